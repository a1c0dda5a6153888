package membership

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/shopspring/decimal"

	"hearth/app"
	"hearth/finance/equity"
	"hearth/housing"
)

// Move is a member's request to move to a unit at another site, with the
// quote they confirmed and, once completed, what the move settled.
type Move struct {
	ID              int64       `db:"id"`
	Status          MoveStatus  `db:"status"`
	MemberID        int64       `db:"member_id"`
	MemberName      string      `db:"member_name"`
	FromSiteID      int64       `db:"from_site_id"`
	FromSiteName    string      `db:"from_site_name"`
	FromUnitID      int64       `db:"from_unit_id"`
	FromUnitName    string      `db:"from_unit_name"`
	FromResidencyID int64       `db:"from_residency_id"`
	SiteID          int64       `db:"site_id"` // the destination, whose coordinators decide
	SiteName        string      `db:"site_name"`
	UnitID          int64       `db:"unit_id"`
	UnitName        string      `db:"unit_name"`
	MoveOn          time.Time   `db:"move_on"`
	Surplus         Surplus     `db:"surplus"`
	Shortfall       Shortfall   `db:"shortfall"`
	QuotedOn        time.Time   `db:"quoted_on"`
	Figures                     // the quote the member confirmed last
	DecidedBy       *int64      `db:"decided_by"`
	DecidedByName   *string     `db:"decided_by_name"`
	DecidedAt       *time.Time  `db:"decided_at"`
	DeclineReason   string      `db:"decline_reason"`
	CreatedAt       time.Time   `db:"created_at"`
	UpdatedAt       time.Time   `db:"updated_at"`
	Completion      *Completion `db:"-"` // set once completed
	// Replayed is true when a request or completion with the same
	// idempotency key had already made this.
	Replayed bool `db:"-"`
}

const selectMoves = `
SELECT r.id, r.status, r.member_id, m.name AS member_name,
       r.from_site_id, fs.name AS from_site_name, r.from_unit_id, fu.name AS from_unit_name, r.from_residency_id,
       r.site_id, s.name AS site_name, r.unit_id, u.name AS unit_name, r.move_on, r.surplus, r.shortfall, r.quoted_on,
       r.from_price, r.shares_redeemed, r.value_redeemed, r.fee_pct, r.fee, r.to_price, r.required_equity, r.shares_issued,
       r.value_issued, r.payout, r.cash_in, r.paydown, r.loan_increase,
       r.decided_by, d.name AS decided_by_name, r.decided_at, r.decline_reason, r.created_at, r.updated_at
FROM move_requests r
JOIN members m ON m.id = r.member_id
JOIN sites fs ON fs.id = r.from_site_id JOIN units fu ON fu.id = r.from_unit_id
JOIN sites s ON s.id = r.site_id JOIN units u ON u.id = r.unit_id
LEFT JOIN members d ON d.id = r.decided_by`

// movesWhere lists the moves a condition selects, with their completions.
func (s *Service) movesWhere(ctx context.Context, q sqlx.QueryerContext, where string, args ...any) ([]Move, error) {
	ms := []Move{}
	if err := sqlx.SelectContext(ctx, q, &ms, selectMoves+" WHERE "+where, args...); err != nil {
		return nil, fmt.Errorf("membership: unable to read moves: %w", err)
	}
	var done []int64
	for i := range ms {
		ms[i].MoveOn, ms[i].QuotedOn = equity.Day(ms[i].MoveOn), equity.Day(ms[i].QuotedOn)
		if ms[i].Status == MoveCompleted {
			done = append(done, ms[i].ID)
		}
	}
	if len(done) == 0 {
		return ms, nil
	}
	cs, err := completionsOf(ctx, q, done)
	if err != nil {
		return nil, err
	}
	for i := range ms {
		if c, ok := cs[ms[i].ID]; ok {
			ms[i].Completion = &c
		}
	}
	return ms, nil
}

// Move returns one move request. Errors: move_not_found (404).
func (s *Service) Move(ctx context.Context, q sqlx.QueryerContext, moveID int64) (Move, error) {
	ms, err := s.movesWhere(ctx, q, "r.id = $1", moveID)
	if err != nil {
		return Move{}, err
	}
	if len(ms) == 0 {
		return Move{}, moveNotFound()
	}
	return ms[0], nil
}

func moveNotFound() error {
	return app.Errorf(app.KindNotFound, "move_not_found", "There is no such move request.")
}

// MovesOf lists a member's move requests, latest first.
func (s *Service) MovesOf(ctx context.Context, memberID int64) ([]Move, error) {
	return s.movesWhere(ctx, s.DB, "r.member_id = $1 ORDER BY r.created_at DESC, r.id DESC", memberID)
}

// MovesTo lists the move requests into the given sites (every site when
// siteIDs is nil): the open ones, oldest first, then the latest closed ones
// up to limit.
func (s *Service) MovesTo(ctx context.Context, siteIDs []int64, limit int) (open, closed []Move, err error) {
	all := siteIDs == nil
	if open, err = s.movesWhere(ctx, s.DB, "($1 OR r.site_id = ANY($2)) AND r.status IN ('requested', 'approved') ORDER BY r.move_on, r.id",
		all, pq.Array(siteIDs)); err != nil {
		return nil, nil, err
	}
	closed, err = s.movesWhere(ctx, s.DB, "($1 OR r.site_id = ANY($2)) AND r.status NOT IN ('requested', 'approved') ORDER BY r.updated_at DESC, r.id DESC LIMIT $3",
		all, pq.Array(siteIDs), limit)
	return open, closed, err
}

// MoveRequest is a member's request to move. FromPrice and ToPrice, when
// not zero, are the prices of the quote the member saw: a request at other
// prices is refused with stale_quote, so the member sees the new figures
// before confirming. The same IdempotencyKey (optional) with the same
// request returns the first request.
type MoveRequest struct {
	QuoteRequest
	FromPrice      decimal.Decimal
	ToPrice        decimal.Decimal
	IdempotencyKey string
}

// checkSeen refuses a quote whose prices differ from those the member saw.
// Errors: stale_quote (409).
func checkSeen(qt Quote, fromPrice, toPrice decimal.Decimal) error {
	if (!fromPrice.IsZero() && !fromPrice.Equal(qt.FromPrice)) || (!toPrice.IsZero() && !toPrice.Equal(qt.ToPrice)) {
		return priceChanged()
	}
	return nil
}

// RequestMove records a member's request to move in a transaction of its
// own; see RequestMoveTx.
func (s *Service) RequestMove(ctx context.Context, in MoveRequest) (Move, error) {
	var mv Move
	err := app.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		var err error
		mv, err = s.RequestMoveTx(ctx, tx, in)
		return err
	})
	return mv, err
}

// RequestMoveTx records a member's request to move, with its quote at
// today's prices, for a coordinator of the destination to decide, inside
// the caller's transaction.
//
// Errors: those of QuoteMove; invalid_idempotency_key, beyond_loan_to_value
// (422); stale_quote, move_pending, idempotency_key_reused (409).
func (s *Service) RequestMoveTx(ctx context.Context, tx *sqlx.Tx, in MoveRequest) (Move, error) {
	if n := len(in.IdempotencyKey); n > 100 {
		return Move{}, app.Unprocessable("invalid_idempotency_key", "An idempotency key has at most 100 characters.").OnField("idempotency_key")
	}
	// A member's requests run one after the other, so that a replay finds
	// the first request and a second open request meets the first.
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('move-member:' || $1::text, 0))`, in.MemberID); err != nil {
		return Move{}, fmt.Errorf("membership: unable to lock: %w", err)
	}
	if in.IdempotencyKey != "" {
		prior, err := s.movesWhere(ctx, tx, "r.member_id = $1 AND r.idempotency_key = $2", in.MemberID, in.IdempotencyKey)
		if err != nil {
			return Move{}, err
		}
		if len(prior) == 1 {
			p := prior[0]
			surplus, _ := ParseSurplus(string(in.Surplus))
			shortfall, _ := ParseShortfall(string(in.Shortfall))
			if p.UnitID != in.UnitID || !p.MoveOn.Equal(equity.Day(in.MoveOn)) || p.Surplus != surplus || p.Shortfall != shortfall {
				return Move{}, app.Conflict("idempotency_key_reused", "Idempotency key %q was already used for a different move request.", in.IdempotencyKey).OnField("idempotency_key")
			}
			p.Replayed = true
			return p, nil
		}
	}
	qt, err := s.quoteMove(ctx, tx, in.QuoteRequest)
	if err != nil {
		return Move{}, err
	}
	if err := checkSeen(qt, in.FromPrice, in.ToPrice); err != nil {
		return Move{}, err
	}
	if err := qt.checkLimit(); err != nil {
		return Move{}, err
	}
	var key *string
	if in.IdempotencyKey != "" {
		key = &in.IdempotencyKey
	}
	f := qt.Figures
	var id int64
	err = tx.GetContext(ctx, &id, `
		INSERT INTO move_requests (site_id, unit_id, member_id, from_site_id, from_unit_id, from_residency_id, move_on,
		    surplus, shortfall, quoted_on, from_price, shares_redeemed, value_redeemed, fee_pct, fee, to_price,
		    required_equity, shares_issued, value_issued, payout, cash_in, paydown, loan_increase, idempotency_key,
		    created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7::date, $8, $9, $10::date, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $25)
		RETURNING id`,
		qt.To.SiteID, qt.To.UnitID, in.MemberID, qt.From.SiteID, qt.From.UnitID, qt.ResidencyID, sqlDate(qt.MoveOn),
		qt.Surplus, qt.Shortfall, sqlDate(qt.QuotedOn), f.FromPrice, f.SharesRedeemed, f.ValueRedeemed, f.FeePct, f.Fee, f.ToPrice,
		f.RequiredEquity, f.SharesIssued, f.ValueIssued, f.Payout, f.CashIn, f.Paydown, f.LoanIncrease, key, s.now())
	if err := moveError(err); err != nil {
		return Move{}, err
	}
	return s.Move(ctx, tx, id)
}

// now is the service's clock (the equity service's), which dates the
// requests, decisions and completions it records.
func (s *Service) now() time.Time {
	if s.Equity.Now != nil {
		return s.Equity.Now()
	}
	return time.Now()
}

// moveError translates the constraints of move_requests.
func moveError(err error) error {
	if err == nil {
		return nil
	}
	switch app.PQConstraint(err) {
	case "move_requests_one_open":
		return app.Conflict("move_pending", "You already have a move request open: withdraw it before asking for another.")
	case "move_requests_member_key":
		return app.Conflict("idempotency_key_reused", "That idempotency key was already used for another move request.").OnField("idempotency_key")
	case "move_requests_transition":
		return app.Conflict("move_closed", "This move request is already closed.")
	}
	return fmt.Errorf("membership: unable to write move request: %w", err)
}

func sqlDate(t time.Time) string { return equity.Day(t).Format(time.DateOnly) }

// lockMove locks a move request for the rest of the transaction and
// returns it. Errors: move_not_found (404).
func (s *Service) lockMove(ctx context.Context, tx *sqlx.Tx, moveID int64) (Move, error) {
	var id int64
	err := tx.GetContext(ctx, &id, `SELECT id FROM move_requests WHERE id = $1 FOR UPDATE`, moveID)
	if app.ErrNoRows(err) {
		return Move{}, moveNotFound()
	}
	if err != nil {
		return Move{}, fmt.Errorf("membership: unable to lock move request: %w", err)
	}
	return s.Move(ctx, tx, moveID)
}

// homeOf reads the residency a move request leaves.
func homeOf(ctx context.Context, q sqlx.QueryerContext, mv Move) (housing.Residency, error) {
	var r housing.Residency
	if err := sqlx.GetContext(ctx, q, &r, `
		SELECT id, site_id, unit_id, member_id, starts_on, ends_on, created_at FROM residencies WHERE id = $1`, mv.FromResidencyID); err != nil {
		return r, fmt.Errorf("membership: unable to read residency: %w", err)
	}
	r.StartsOn = equity.Day(r.StartsOn)
	if r.EndsOn != nil {
		e := equity.Day(*r.EndsOn)
		r.EndsOn = &e
		if e.Before(mv.MoveOn) {
			return r, app.Conflict("home_changed", "The member's home at %s now ends on %s, before the move.", mv.FromSiteName, e.Format(time.DateOnly))
		}
	}
	return r, nil
}

// requote quotes an open request again at today's prices, as it stands or
// with new choices.
func (s *Service) requote(ctx context.Context, q sqlx.QueryerContext, mv Move, surplus Surplus, shortfall Shortfall) (Quote, error) {
	home, err := homeOf(ctx, q, mv)
	if err != nil {
		return Quote{}, err
	}
	return s.quote(ctx, q, QuoteRequest{MemberID: mv.MemberID, UnitID: mv.UnitID, MoveOn: mv.MoveOn, Surplus: surplus, Shortfall: shortfall}, home)
}

// CurrentQuote quotes an open request at today's prices, so that the member
// sees whether the figures they confirmed still hold (Figures.staleAgainst).
// Errors: move_closed (409), home_changed (409), and those of
// equity.SharePriceOn.
func (s *Service) CurrentQuote(ctx context.Context, mv Move) (Quote, error) {
	if !mv.Status.Open() {
		return Quote{}, closedError(mv)
	}
	return s.requote(ctx, s.DB, mv, mv.Surplus, mv.Shortfall)
}

// Stale reports whether a request's confirmed quote no longer holds
// against a current one.
func (mv Move) Stale(now Quote) bool { return mv.Figures.staleAgainst(now.Figures) != nil }

// Confirm is a member's confirmation of the current figures of their
// request, with new choices if they like (empty keeps the request's), and
// the prices they saw.
type Confirm struct {
	Surplus   Surplus
	Shortfall Shortfall
	FromPrice decimal.Decimal
	ToPrice   decimal.Decimal
}

// ConfirmMove stores the current quote of an open request as the one the
// member confirmed: after prices change, completing needs this.
//
// Errors: move_not_found (404); invalid_surplus_choice,
// invalid_shortfall_choice, beyond_loan_to_value (422); move_closed,
// home_changed, stale_quote (409).
func (s *Service) ConfirmMove(ctx context.Context, moveID int64, in Confirm) (Move, error) {
	return s.inTx(ctx, func(tx *sqlx.Tx) (Move, error) {
		mv, err := s.lockMove(ctx, tx, moveID)
		if err != nil {
			return mv, err
		}
		if !mv.Status.Open() {
			return mv, closedError(mv)
		}
		surplus, shortfall := mv.Surplus, mv.Shortfall
		if in.Surplus != "" {
			surplus = in.Surplus
		}
		if in.Shortfall != "" {
			shortfall = in.Shortfall
		}
		if surplus, err = ParseSurplus(string(surplus)); err != nil {
			return mv, err
		}
		if shortfall, err = ParseShortfall(string(shortfall)); err != nil {
			return mv, err
		}
		qt, err := s.requote(ctx, tx, mv, surplus, shortfall)
		if err != nil {
			return mv, err
		}
		if err := checkSeen(qt, in.FromPrice, in.ToPrice); err != nil {
			return mv, err
		}
		if err := qt.checkLimit(); err != nil {
			return mv, err
		}
		f := qt.Figures
		_, err = tx.ExecContext(ctx, `
			UPDATE move_requests SET surplus = $2, shortfall = $3, quoted_on = $4::date, from_price = $5, shares_redeemed = $6,
			    value_redeemed = $7, fee_pct = $8, fee = $9, to_price = $10, required_equity = $11, shares_issued = $12,
			    value_issued = $13, payout = $14, cash_in = $15, paydown = $16, loan_increase = $17, updated_at = $18
			WHERE id = $1`,
			moveID, surplus, shortfall, sqlDate(qt.QuotedOn), f.FromPrice, f.SharesRedeemed, f.ValueRedeemed, f.FeePct, f.Fee,
			f.ToPrice, f.RequiredEquity, f.SharesIssued, f.ValueIssued, f.Payout, f.CashIn, f.Paydown, f.LoanIncrease, s.now())
		if err := moveError(err); err != nil {
			return mv, err
		}
		return s.Move(ctx, tx, moveID)
	})
}

// closedError says why a request can no longer change. Errors:
// move_closed (409).
func closedError(mv Move) error {
	return app.Conflict("move_closed", "This move request was %s on %s.", strings.ToLower(mv.Status.Label()), mv.UpdatedAt.Format("2 Jan 2006"))
}

// ApproveMove approves an open request (a coordinator of the destination
// decides) in a transaction of its own; see ApproveMoveTx.
func (s *Service) ApproveMove(ctx context.Context, moveID, by int64) (Move, error) {
	return s.inTx(ctx, func(tx *sqlx.Tx) (Move, error) { return s.ApproveMoveTx(ctx, tx, moveID, by) })
}

// ApproveMoveTx approves an open request inside the caller's transaction.
// Approving an approved request changes nothing. Errors: move_not_found
// (404); unit_taken, move_closed (409).
func (s *Service) ApproveMoveTx(ctx context.Context, tx *sqlx.Tx, moveID, by int64) (Move, error) {
	return s.setStatus(ctx, tx, moveID, MoveApproved, &by, "")
}

// DeclineMove declines an open request, with an optional reason for the
// member. Declining a declined request changes nothing. Errors:
// move_not_found (404); decline_reason_too_long (422); move_closed (409).
func (s *Service) DeclineMove(ctx context.Context, moveID, by int64, reason string) (Move, error) {
	reason = strings.TrimSpace(reason)
	if len(reason) > 500 {
		return Move{}, app.Unprocessable("decline_reason_too_long", "A reason has at most 500 characters.").OnField("reason")
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) (Move, error) { return s.setStatus(ctx, tx, moveID, MoveDeclined, &by, reason) })
}

// WithdrawMove withdraws a member's open request. Withdrawing a withdrawn
// request changes nothing. Errors: move_not_found (404); move_closed (409).
func (s *Service) WithdrawMove(ctx context.Context, moveID int64) (Move, error) {
	return s.inTx(ctx, func(tx *sqlx.Tx) (Move, error) { return s.setStatus(ctx, tx, moveID, MoveWithdrawn, nil, "") })
}

// inTx runs fn in a transaction of its own.
func (s *Service) inTx(ctx context.Context, fn func(tx *sqlx.Tx) (Move, error)) (Move, error) {
	var mv Move
	err := app.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		var err error
		mv, err = fn(tx)
		return err
	})
	return mv, err
}

// setStatus moves an open request to a new status; by is the coordinator
// who decided (nil for the member's withdrawal).
func (s *Service) setStatus(ctx context.Context, tx *sqlx.Tx, moveID int64, to MoveStatus, by *int64, reason string) (Move, error) {
	mv, err := s.lockMove(ctx, tx, moveID)
	if err != nil {
		return mv, err
	}
	if mv.Status == to {
		return mv, nil
	}
	if !mv.Status.Open() || (to == MoveApproved && mv.Status != MoveRequested) {
		return mv, closedError(mv)
	}
	if to == MoveApproved {
		if err := checkFree(ctx, tx, mv.UnitID, mv.MemberID, mv.FromResidencyID, mv.MoveOn); err != nil {
			return mv, err
		}
	}
	now := s.now()
	decidedAt := &now
	if by == nil {
		decidedAt = nil
	}
	_, err = tx.ExecContext(ctx, `
		UPDATE move_requests SET status = $2, decided_by = coalesce($3, decided_by), decided_at = coalesce($4, decided_at),
		    decline_reason = $5, updated_at = $6
		WHERE id = $1`, moveID, to, by, decidedAt, reason, now)
	if err := moveError(err); err != nil {
		return mv, err
	}
	return s.Move(ctx, tx, moveID)
}
