package membership

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/shopspring/decimal"

	"hearth/app"
	"hearth/finance/equity"
	"hearth/finance/equity/loans"
	"hearth/housing"
)

// Completion is what a completed move settled, at the prices of the day it
// was completed, and the rows and entries it wrote.
type Completion struct {
	MoveID      int64     `db:"move_id"`
	CompletedOn time.Time `db:"completed_on"` // the day the money moved
	MoveOn      time.Time `db:"move_on"`      // the day the residencies changed
	Figures
	RedeemEventID      *int64    `db:"redeem_event_id"` // nil when there was nothing to redeem
	IssueEventID       *int64    `db:"issue_event_id"`  // nil when the unit required no equity
	LoanEntryID        *int64    `db:"loan_entry_id"`   // the share loan's paydown or increase
	EndedResidencyID   int64     `db:"ended_residency_id"`
	StartedResidencyID int64     `db:"started_residency_id"`
	CompletedBy        *int64    `db:"completed_by"`
	CreatedAt          time.Time `db:"created_at"`
	// Replayed is true when the move had been completed before this call.
	Replayed bool `db:"-"`
}

const completionColumns = `move_id, completed_on, move_on, from_price, shares_redeemed, value_redeemed, fee_pct, fee, to_price,
required_equity, shares_issued, value_issued, payout, cash_in, paydown, loan_increase, redeem_event_id, issue_event_id,
loan_entry_id, ended_residency_id, started_residency_id, completed_by, created_at`

// completionsOf reads the completions of moves by move id.
func completionsOf(ctx context.Context, q sqlx.QueryerContext, moveIDs []int64) (map[int64]Completion, error) {
	var cs []Completion
	if err := sqlx.SelectContext(ctx, q, &cs, `SELECT `+completionColumns+` FROM move_completions WHERE move_id = ANY($1)`, pq.Array(moveIDs)); err != nil {
		return nil, fmt.Errorf("membership: unable to read completions: %w", err)
	}
	out := make(map[int64]Completion, len(cs))
	for _, c := range cs {
		c.CompletedOn, c.MoveOn = equity.Day(c.CompletedOn), equity.Day(c.MoveOn)
		out[c.MoveID] = c
	}
	return out, nil
}

// CompleteMove completes an approved move for p in a transaction of its
// own (see CompleteMoveTx), and returns the move with its completion.
// Completing a completed move returns it unchanged, with Replayed set.
//
// A completion locks many rows (the move, the unit, residencies, ledger
// accounts); a transaction that takes some of them in another order can
// deadlock with it, and PostgreSQL then aborts one of the two with
// SQLSTATE 40P01 (40001 for a serialization failure). Either leaves
// nothing written, so the whole transaction is tried again, up to
// maxCompleteAttempts times. The errors arrive wrapped by the layers they
// crossed: app.IsRetryable finds the PostgreSQL error anywhere in the
// chain (errors.As).
func (s *Service) CompleteMove(ctx context.Context, p *app.Principal, moveID int64) (Move, error) {
	var (
		c   Completion
		err error
	)
	for attempt := 1; attempt <= maxCompleteAttempts; attempt++ {
		err = app.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
			var err error
			c, err = s.CompleteMoveTx(ctx, tx, p, moveID)
			return err
		})
		if err == nil || !app.IsRetryable(err) {
			break
		}
	}
	if err != nil {
		return Move{}, err
	}
	mv, err := s.move(ctx, s.DB, moveID)
	mv.Replayed = c.Replayed
	return mv, err
}

// maxCompleteAttempts is how many times CompleteMove tries a completion
// that a deadlock or a serialization failure aborted.
const maxCompleteAttempts = 5

// CompleteMoveTx completes an approved move inside the caller's
// transaction, for p: a coordinator of the destination or the treasurer
// (Move.CanDecide). It does so on or after the move day, at today's prices:
//
//  1. it ends the residency at A on the move day and starts one in B's
//     unit on the same day (the monthly charge run charges each by its
//     days), and records A's unit as free from then on (unit_vacancies);
//  2. it redeems every share at A at A's price (equity.RedeemShares), the
//     transfer fee going to A's fee income and a payout to the member;
//  3. it pays the share loan down from the proceeds, or lends the shortfall
//     (equity.ChangeShareLoan);
//  4. it issues shares at B's price worth B's required equity, paid from the
//     proceeds and any cash (equity.IssueShares);
//  5. it checks the loan-to-value limit and that value is conserved to the
//     cent (Figures.Conserved), and records the completion.
//
// The request's move row is locked first and B's unit row second, so two
// completions of one move run one after the other (the second returns the
// first's completion, Replayed) and two members racing for one unit queue
// on the unit: the second finds it taken.
//
// Errors: forbidden (403); move_not_found (404); move_not_due,
// move_month_charged, beyond_loan_to_value (422), and those of
// equity.SharePriceOn; move_not_approved, move_closed, unit_taken,
// member_already_resident, home_changed, stale_quote (409).
func (s *Service) CompleteMoveTx(ctx context.Context, tx *sqlx.Tx, p *app.Principal, moveID int64) (Completion, error) {
	var c Completion
	mv, err := s.lockFor(ctx, tx, p, moveID, Move.CanDecide)
	if err != nil {
		return c, err
	}
	by := p.ID
	switch mv.Status {
	case MoveCompleted:
		c = *mv.Completion
		c.Replayed = true
		return c, nil
	case MoveRequested:
		return c, app.Conflict("move_not_approved", "A coordinator of %s has not approved this move yet.", mv.SiteName)
	case MoveApproved:
	default:
		return c, closedError(mv)
	}
	today := s.Equity.Today()
	if today.Before(mv.MoveOn) {
		return c, app.Unprocessable("move_not_due", "This move is for %s: complete it on that day or later.", mv.MoveOn.Format("2 Jan 2006"))
	}
	if _, err := tx.ExecContext(ctx, `SELECT 1 FROM units WHERE id = $1 FOR UPDATE`, mv.UnitID); err != nil {
		return c, fmt.Errorf("membership: unable to lock unit: %w", err)
	}
	if err := checkFree(ctx, tx, mv.UnitID, mv.MemberID, mv.FromResidencyID, mv.MoveOn); err != nil {
		return c, err
	}
	if err := checkUncharged(ctx, tx, mv.FromResidencyID, mv.MoveOn); err != nil {
		return c, err
	}
	qt, err := s.requote(ctx, tx, mv, mv.Surplus, mv.Shortfall)
	if err != nil {
		return c, err
	}
	if err := mv.Figures.staleAgainst(qt.Figures); err != nil {
		return c, err
	}
	if err := qt.checkLimit(); err != nil {
		return c, err
	}
	f := qt.Figures
	if !f.Conserved() {
		return c, fmt.Errorf("membership: the quote of move %d does not conserve value: %+v", moveID, f)
	}
	held, err := s.Equity.SettlementBalanceTx(ctx, tx, mv.MemberID)
	if err != nil {
		return c, err
	}

	if err := housing.EndResidencyTx(ctx, tx, mv.FromResidencyID, mv.MoveOn); err != nil {
		return c, err
	}
	started, err := housing.StartResidencyTx(ctx, tx, housing.NewResidency{UnitID: mv.UnitID, MemberID: mv.MemberID, StartsOn: mv.MoveOn})
	if e, ok := app.AsError(err); ok && e.Code == "unit_occupied" {
		return c, unitTaken()
	}
	if err != nil {
		return c, err
	}

	c = Completion{MoveID: moveID, CompletedOn: today, MoveOn: mv.MoveOn, Figures: f, EndedResidencyID: mv.FromResidencyID,
		StartedResidencyID: started.ID, CompletedBy: &by}
	if err := s.moveEquity(ctx, tx, mv, f, held, &c); err != nil {
		return c, err
	}
	if err := s.recordCompletion(ctx, tx, mv, &c); err != nil {
		return c, err
	}
	return c, nil
}

// moveEquity moves a completing move's money as its figures f say:
// redeems the shares at the old site, pays the share loan down or lends the
// shortfall, issues the shares at the new site, checks the loan-to-value
// limit, and checks that the settlement account holds what it held before
// (held). It records the entries' ids on c.
func (s *Service) moveEquity(ctx context.Context, tx *sqlx.Tx, mv Move, f Figures, held decimal.Decimal, c *Completion) error {
	key := fmt.Sprintf("move:%d", mv.ID)
	if f.SharesRedeemed.IsPositive() {
		ev, err := s.Equity.RedeemSharesTx(ctx, tx, equity.RedemptionRequest{SiteID: mv.FromSiteID, MemberID: mv.MemberID, Kind: equity.MoveOut,
			Quantity: f.SharesRedeemed, Fee: f.Fee, Payout: f.Payout, QuotedPrice: f.FromPrice, IdempotencyKey: key + ":out",
			Description: fmt.Sprintf("Move #%d to %s: %s shares at %s redeemed, fee %s, paid out %s",
				mv.ID, mv.SiteName, f.SharesRedeemed, f.FromPrice, f.Fee.StringFixed(2), f.Payout.StringFixed(2))})
		if err != nil {
			return err
		}
		if !ev.Value.Neg().Equal(f.ValueRedeemed) {
			return fmt.Errorf("membership: move %d redeemed %s, quoted %s", mv.ID, ev.Value.Neg(), f.ValueRedeemed)
		}
		c.RedeemEventID = &ev.ID
	}
	// A surplus pays the share loan down, or the loan lends the shortfall;
	// the new loan is secured by the shares at B.
	for _, change := range []struct {
		name  string
		delta decimal.Decimal
	}{{"paydown", f.Paydown.Neg()}, {"loan", f.LoanIncrease}} {
		if change.delta.IsZero() {
			continue
		}
		res, err := s.Loans.ChangeShareLoanTx(ctx, tx, loans.LoanChange{MemberID: mv.MemberID, SiteID: mv.SiteID, Delta: change.delta,
			IdempotencyKey: key + ":" + change.name})
		if err != nil {
			return err
		}
		c.LoanEntryID = &res.EntryID
	}
	if f.RequiredEquity.IsPositive() {
		ev, err := s.Equity.IssueSharesTx(ctx, tx, equity.IssueRequest{SiteID: mv.SiteID, MemberID: mv.MemberID, Kind: equity.MoveIn,
			Amount: f.RequiredEquity, Cash: f.CashIn, QuotedPrice: f.ToPrice, IdempotencyKey: key + ":in",
			Description: fmt.Sprintf("Move #%d from %s: %s shares at %s for %s, %s paid in cash",
				mv.ID, mv.FromSiteName, f.SharesIssued, f.ToPrice, f.RequiredEquity.StringFixed(2), f.CashIn.StringFixed(2))})
		if err != nil {
			return err
		}
		if !ev.Quantity.Equal(f.SharesIssued) || !ev.Value.Equal(f.ValueIssued) {
			return fmt.Errorf("membership: move %d issued %s shares worth %s, quoted %s worth %s", mv.ID, ev.Quantity, ev.Value, f.SharesIssued, f.ValueIssued)
		}
		c.IssueEventID = &ev.ID
	}
	if err := s.Loans.CheckLoanToValueTx(ctx, tx, mv.MemberID); err != nil {
		return err
	}
	// Everything redeemed or lent was spent: the settlement account holds
	// what it held before.
	if after, err := s.Equity.SettlementBalanceTx(ctx, tx, mv.MemberID); err != nil {
		return err
	} else if !after.Equal(held) {
		return fmt.Errorf("membership: move %d left %s in settlement, %s before", mv.ID, after, held)
	}

	return nil
}

// recordCompletion records a completed move: the unit it frees, its
// completion c, and its status.
func (s *Service) recordCompletion(ctx context.Context, tx *sqlx.Tx, mv Move, c *Completion) error {
	f := c.Figures
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO unit_vacancies (site_id, unit_id, free_from, reason, move_id, created_at) VALUES ($1, $2, $3::date, 'move', $4, $5)`,
		mv.FromSiteID, mv.FromUnitID, sqlDate(mv.MoveOn), mv.ID, s.now()); err != nil {
		return fmt.Errorf("membership: unable to record vacancy: %w", err)
	}
	if err := tx.GetContext(ctx, &c.CreatedAt, `
		INSERT INTO move_completions (move_id, site_id, member_id, completed_on, move_on, from_price, shares_redeemed, value_redeemed,
		    fee_pct, fee, to_price, required_equity, shares_issued, value_issued, payout, cash_in, paydown, loan_increase,
		    redeem_event_id, issue_event_id, loan_entry_id, ended_residency_id, started_residency_id, completed_by, created_at)
		VALUES ($1, $2, $3, $4::date, $5::date, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)
		RETURNING created_at`,
		mv.ID, mv.SiteID, mv.MemberID, sqlDate(c.CompletedOn), sqlDate(mv.MoveOn), f.FromPrice, f.SharesRedeemed, f.ValueRedeemed,
		f.FeePct, f.Fee, f.ToPrice, f.RequiredEquity, f.SharesIssued, f.ValueIssued, f.Payout, f.CashIn, f.Paydown, f.LoanIncrease,
		c.RedeemEventID, c.IssueEventID, c.LoanEntryID, c.EndedResidencyID, c.StartedResidencyID, c.CompletedBy, s.now()); err != nil {
		return fmt.Errorf("membership: unable to record completion: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE move_requests SET status = 'completed', updated_at = $2 WHERE id = $1`, mv.ID, s.now()); err != nil {
		return moveError(err)
	}
	return nil
}
