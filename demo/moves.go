package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"hearth/app"
	"hearth/finance/equity"
	"hearth/finance/equity/loans"
	"hearth/finance/ledger"
	"hearth/housing/membership"
)

// seedMoves adds the moves of the demo cooperative, through the same
// service the pages use, on the equity history seedEquity wrote:
//
//   - Farid moved from Harbor House (H2) to Linden Yard (L5) early this
//     month, carrying his equity: his Harbor shares were redeemed at
//     Harbor's net-asset-value price, the transfer fee taken, L5's
//     required 45,000 bought at Linden's price, and the difference settled
//     (a surplus paid out, as he has no share loan to pay down; a shortfall
//     would have been lent). Hugo, Linden's coordinator, approved and
//     completed it. The move is this month's because every month before
//     was charged already, by residency; the next charge run prorates H2
//     and L5 by their days.
//   - Elena (Harbor House, H1) asks to move to Elm Court's E5 in two weeks,
//     the surplus paying down her share loan; Chloé, Elm's coordinator, has
//     yet to decide.
func seedMoves(ctx context.Context, tx *sqlx.Tx, d *demo) error {
	cfg, err := app.ConfigFromEnv()
	if err != nil {
		return err
	}
	eq := equity.New(nil, ledger.New(nil, cfg.Currency))
	today := equity.Day(time.Now())
	// The third of the month, or today when the month is younger: its
	// charges are not posted yet, so a move may end a home then.
	moveDay := equity.MonthOf(today).AddDate(0, 0, 2)
	if moveDay.After(today) {
		moveDay = today
	}
	var clock time.Time
	eq.Now = func() time.Time { return clock }
	svc := membership.New(nil, eq, loans.New(eq))
	unit := func(name string) (int64, error) {
		var id int64
		err := tx.GetContext(ctx, &id, `SELECT id FROM units WHERE name = $1`, name)
		return id, err
	}

	l5, err := unit("L5")
	if err != nil {
		return err
	}
	// Farid asks, and Hugo decides as Linden's coordinator.
	farid := &app.Principal{Member: d.members["farid"]}
	hugo := &app.Principal{Member: d.members["hugo"], CoordinatorOf: []int64{d.sites["linden"]}}
	clock = moveDay.Add(9*time.Hour + 10*time.Minute)
	mv, err := svc.RequestMoveTx(ctx, tx, farid, membership.MoveRequest{QuoteRequest: membership.QuoteRequest{UnitID: l5,
		MoveOn: moveDay, Surplus: membership.SurplusPaydown, Shortfall: membership.ShortfallLoan}, IdempotencyKey: "seed:farid-to-l5"})
	if err != nil {
		return fmt.Errorf("Farid's request: %w", err)
	}
	clock = moveDay.Add(11*time.Hour + 40*time.Minute)
	if _, err := svc.ApproveMoveTx(ctx, tx, hugo, mv.ID); err != nil {
		return fmt.Errorf("Farid's approval: %w", err)
	}
	clock = moveDay.Add(15 * time.Hour)
	if _, err := svc.CompleteMoveTx(ctx, tx, hugo, mv.ID); err != nil {
		return fmt.Errorf("Farid's move: %w", err)
	}

	e5, err := unit("E5")
	if err != nil {
		return err
	}
	clock = today.Add(10*time.Hour + 25*time.Minute)
	if _, err := svc.RequestMoveTx(ctx, tx, &app.Principal{Member: d.members["elena"]}, membership.MoveRequest{QuoteRequest: membership.QuoteRequest{
		UnitID: e5, MoveOn: today.AddDate(0, 0, 14), Surplus: membership.SurplusPaydown, Shortfall: membership.ShortfallCash},
		IdempotencyKey: "seed:elena-to-e5"}); err != nil {
		return fmt.Errorf("Elena's request: %w", err)
	}
	return nil
}
