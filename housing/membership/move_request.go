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

// Who may do what with a move (docs/moves.md): the moving member asks for
// it, confirms its figures and withdraws it; the coordinators of the
// destination, and the treasurer who coordinates every site, approve,
// decline and complete it; the coordinators of the site left see it too.
// Only the member and the treasurer see its money, and the treasurer may
// withdraw it for the member. To anyone else there is no such move.

// VisibleTo reports whether p may know that the move exists.
func (mv Move) VisibleTo(p *app.Principal) bool {
	return mv.askedBy(p) || p.Coordinates(mv.SiteID) || p.Coordinates(mv.FromSiteID)
}

// MoneyVisibleTo reports whether p may see the move's figures: the moving
// member and the treasurer.
func (mv Move) MoneyVisibleTo(p *app.Principal) bool { return p.CanSeeMoneyOf(mv.MemberID) }

// CanDecide returns forbidden unless p may approve, decline and complete
// the move: a coordinator of the destination or the treasurer.
func (mv Move) CanDecide(p *app.Principal) error { return p.RequireCoordinator(mv.SiteID) }

// CanConfirm returns forbidden unless p is the moving member, the only one
// who may confirm the figures of their move.
func (mv Move) CanConfirm(p *app.Principal) error {
	if !mv.askedBy(p) {
		return notTheMover()
	}
	return nil
}

// CanWithdraw returns forbidden unless p may withdraw the move: the moving
// member or the treasurer.
func (mv Move) CanWithdraw(p *app.Principal) error {
	if !mv.askedBy(p) && !p.IsAdmin() {
		return notTheMover()
	}
	return nil
}

func (mv Move) askedBy(p *app.Principal) bool { return p != nil && p.ID == mv.MemberID }

func notTheMover() error {
	return app.Forbidden("Only the member who asked for this move can do that.")
}

// CanAskToMove returns forbidden unless p may ask for a move of the member:
// members ask for their own moves only.
func CanAskToMove(p *app.Principal, memberID int64) error {
	if p == nil || p.ID != memberID {
		return app.Forbidden("You can only ask to move yourself.")
	}
	return nil
}

// CanReviewMoves returns forbidden unless p decides moves into some site:
// a coordinator, or the treasurer.
func CanReviewMoves(p *app.Principal) error {
	if !p.IsAdmin() && !p.IsCoordinator() {
		return app.Forbidden("Only coordinators decide moves into their sites.")
	}
	return nil
}

// reviewedSites are the sites whose moves p decides: every site (nil) for
// the treasurer.
func reviewedSites(p *app.Principal) []int64 {
	if p.IsAdmin() {
		return nil
	}
	return p.CoordinatorOf
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

// move reads one move request. Errors: move_not_found (404).
func (s *Service) move(ctx context.Context, q sqlx.QueryerContext, moveID int64) (Move, error) {
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

// MovesOf lists the caller's move requests, latest first.
func (s *Service) MovesOf(ctx context.Context, p *app.Principal) ([]Move, error) {
	return s.movesWhere(ctx, s.DB, "r.member_id = $1 ORDER BY r.created_at DESC, r.id DESC", p.ID)
}

// movesTo lists the move requests into the given sites (every site when
// siteIDs is nil): the open ones, oldest first, then the latest closed ones
// up to limit.
func (s *Service) movesTo(ctx context.Context, siteIDs []int64, limit int) (open, closed []Move, err error) {
	all := siteIDs == nil
	if open, err = s.movesWhere(ctx, s.DB, "($1 OR r.site_id = ANY($2)) AND r.status IN ('requested', 'approved') ORDER BY r.move_on, r.id",
		all, pq.Array(siteIDs)); err != nil {
		return nil, nil, err
	}
	closed, err = s.movesWhere(ctx, s.DB, "($1 OR r.site_id = ANY($2)) AND r.status NOT IN ('requested', 'approved') ORDER BY r.updated_at DESC, r.id DESC LIMIT $3",
		all, pq.Array(siteIDs), limit)
	return open, closed, err
}

// SiteMoves lists the move requests into a site (its coordinators and the
// treasurer): the open ones, oldest move day first, then the 50 latest
// closed ones. Errors: forbidden (403).
func (s *Service) SiteMoves(ctx context.Context, p *app.Principal, siteID int64) ([]Move, error) {
	if err := p.RequireCoordinator(siteID); err != nil {
		return nil, err
	}
	open, closed, err := s.movesTo(ctx, []int64{siteID}, 50)
	if err != nil {
		return nil, err
	}
	return append(open, closed...), nil
}

// MoveReview is what a coordinator has to decide: the move requests into
// the sites they coordinate.
type MoveReview struct {
	Open     []Move // waiting for a decision or a completion, oldest move day first
	Closed   []Move // the latest decided, withdrawn or completed
	AllSites bool   // the treasurer's review, of every site
	Today    time.Time
}

// ReviewMoves lists the move requests into the sites p coordinates (every
// site for the treasurer): the open ones, then the 20 latest closed ones.
// Errors: forbidden (403) for a member who coordinates no site.
func (s *Service) ReviewMoves(ctx context.Context, p *app.Principal) (MoveReview, error) {
	var r MoveReview
	if err := CanReviewMoves(p); err != nil {
		return r, err
	}
	r.AllSites, r.Today = p.IsAdmin(), s.Equity.Today()
	var err error
	r.Open, r.Closed, err = s.movesTo(ctx, reviewedSites(p), 20)
	return r, err
}

// MoveRequest is a member's request to move. FromPrice and ToPrice, when
// given, are the prices of the quote the member saw, written as decimals: a
// request at other prices is refused with stale_quote, so the member sees
// the new figures before confirming. The same IdempotencyKey (optional)
// with the same request returns the first request.
type MoveRequest struct {
	QuoteRequest
	FromPrice      string
	ToPrice        string
	IdempotencyKey string
}

// seenPrice reads a price a member saw, with a price's places; empty is
// none (zero). Errors: invalid_amount, too_many_places, amount_too_large
// (422) on the field.
func seenPrice(field, s string) (decimal.Decimal, error) {
	return readAmount(field, s, equity.PricePlaces)
}

// seenPrices reads the prices of the quote a member saw.
func seenPrices(from, to string) (fromPrice, toPrice decimal.Decimal, err error) {
	if fromPrice, err = seenPrice("from_price", from); err != nil {
		return
	}
	toPrice, err = seenPrice("to_price", to)
	return
}

// checkSeen refuses a quote whose prices differ from those the member saw.
// Errors: stale_quote (409).
func checkSeen(qt Quote, fromPrice, toPrice decimal.Decimal) error {
	if (!fromPrice.IsZero() && !fromPrice.Equal(qt.FromPrice)) || (!toPrice.IsZero() && !toPrice.Equal(qt.ToPrice)) {
		return priceChanged()
	}
	return nil
}

// RequestMove records the caller's request to move in a transaction of its
// own; see RequestMoveTx.
func (s *Service) RequestMove(ctx context.Context, p *app.Principal, in MoveRequest) (Move, error) {
	var mv Move
	err := app.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		var err error
		mv, err = s.RequestMoveTx(ctx, tx, p, in)
		return err
	})
	return mv, err
}

// RequestMoveTx records a member's request to move, with its quote at
// today's prices, for a coordinator of the destination to decide, inside
// the caller's transaction. The member is p (a zero MemberID means p);
// nobody asks for another member's move.
//
// Errors: forbidden (403); those of QuoteMove; invalid_amount,
// too_many_places, amount_too_large (a price seen), invalid_idempotency_key,
// beyond_loan_to_value (422); stale_quote, move_pending,
// idempotency_key_reused (409).
func (s *Service) RequestMoveTx(ctx context.Context, tx *sqlx.Tx, p *app.Principal, in MoveRequest) (Move, error) {
	if in.MemberID == 0 && p != nil {
		in.MemberID = p.ID
	}
	if err := CanAskToMove(p, in.MemberID); err != nil {
		return Move{}, err
	}
	fromPrice, toPrice, err := seenPrices(in.FromPrice, in.ToPrice)
	if err != nil {
		return Move{}, err
	}
	if n := len(in.IdempotencyKey); n > 100 {
		return Move{}, app.Unprocessable("invalid_idempotency_key", "An idempotency key has at most 100 characters.").OnField("idempotency_key")
	}
	if in.MoveOn.IsZero() {
		in.MoveOn = s.Equity.Today()
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
			first := prior[0]
			surplus, _ := ParseSurplus(string(in.Surplus))
			shortfall, _ := ParseShortfall(string(in.Shortfall))
			if first.UnitID != in.UnitID || !first.MoveOn.Equal(equity.Day(in.MoveOn)) || first.Surplus != surplus || first.Shortfall != shortfall {
				return Move{}, app.Conflict("idempotency_key_reused", "Idempotency key %q was already used for a different move request.", in.IdempotencyKey).OnField("idempotency_key")
			}
			first.Replayed = true
			return first, nil
		}
	}
	qt, err := s.quoteMove(ctx, tx, in.QuoteRequest)
	if err != nil {
		return Move{}, err
	}
	if err := checkSeen(qt, fromPrice, toPrice); err != nil {
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
	return s.move(ctx, tx, id)
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
	return s.move(ctx, tx, moveID)
}

// lockFor locks a move request that p may see and checks with may that p
// may do what they ask. Errors: move_not_found (404), also for a move p may
// not know of; forbidden (403).
func (s *Service) lockFor(ctx context.Context, tx *sqlx.Tx, p *app.Principal, moveID int64, may func(Move, *app.Principal) error) (Move, error) {
	mv, err := s.lockMove(ctx, tx, moveID)
	if err != nil {
		return mv, err
	}
	if !mv.VisibleTo(p) {
		return Move{}, moveNotFound()
	}
	return mv, may(mv, p)
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
func (s *Service) requote(ctx context.Context, tx *sqlx.Tx, mv Move, surplus Surplus, shortfall Shortfall) (Quote, error) {
	home, err := homeOf(ctx, tx, mv)
	if err != nil {
		return Quote{}, err
	}
	return s.quote(ctx, tx, QuoteRequest{MemberID: mv.MemberID, UnitID: mv.UnitID, MoveOn: mv.MoveOn, Surplus: surplus, Shortfall: shortfall}, home)
}

// Stale reports whether a request's confirmed quote no longer holds
// against a current one.
func (mv Move) Stale(now Quote) bool { return mv.Figures.staleAgainst(now.Figures) != nil }

// MoveDetail is a move as someone may see it, with what they may do.
type MoveDetail struct {
	Move
	// Current is today's quote of an open move, for those who may see its
	// money (Move.MoneyVisibleTo); nil otherwise, or when CurrentError says
	// why the move could not go ahead today.
	Current      *Quote
	CurrentError string
	Stale        bool // today's figures differ from the confirmed ones: the member confirms again
	Today        time.Time
	Due          bool // the move day has come: an approved move can be completed
	SeesMoney    bool // Move.MoneyVisibleTo
	IsMover      bool // the moving member
	MayDecide    bool // Move.CanDecide
	MayWithdraw  bool // Move.CanWithdraw
}

// MoveDetail returns a move request to whoever may see it (Move.VisibleTo):
// to the member and the treasurer, an open move with today's figures
// beside the confirmed ones. Errors: move_not_found (404), also for a move
// p may not know of.
func (s *Service) MoveDetail(ctx context.Context, p *app.Principal, moveID int64) (MoveDetail, error) {
	var d MoveDetail
	err := app.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		mv, err := s.move(ctx, tx, moveID)
		if err != nil {
			return err
		}
		if !mv.VisibleTo(p) {
			return moveNotFound()
		}
		today := s.Equity.Today()
		d = MoveDetail{Move: mv, Today: today, Due: !today.Before(mv.MoveOn), SeesMoney: mv.MoneyVisibleTo(p), IsMover: mv.askedBy(p),
			MayDecide: mv.CanDecide(p) == nil, MayWithdraw: mv.CanWithdraw(p) == nil}
		if !mv.Status.Open() || !d.SeesMoney {
			return nil
		}
		q, err := s.requote(ctx, tx, mv, mv.Surplus, mv.Shortfall)
		switch {
		case err == nil:
			d.Current, d.Stale = &q, mv.Stale(q)
		case app.ErrorKind(err) == app.KindInternal:
			return err
		default: // a refusal the member can act on, such as a home that now ends too early
			e, _ := app.AsError(err)
			d.CurrentError = e.Message
		}
		return nil
	})
	return d, err
}

// Confirm is a member's confirmation of the current figures of their
// request, with new choices if they like (empty keeps the request's), and
// the prices they saw, written as decimals (empty for none).
type Confirm struct {
	Surplus   Surplus
	Shortfall Shortfall
	FromPrice string
	ToPrice   string
}

// ConfirmMove stores the current quote of an open request as the one the
// member confirmed (the moving member only): after prices change,
// completing needs this.
//
// Errors: forbidden (403); move_not_found (404); invalid_surplus_choice,
// invalid_shortfall_choice, invalid_amount, too_many_places,
// amount_too_large, beyond_loan_to_value (422); move_closed, home_changed,
// stale_quote (409).
func (s *Service) ConfirmMove(ctx context.Context, p *app.Principal, moveID int64, in Confirm) (Move, error) {
	return s.inTx(ctx, func(tx *sqlx.Tx) (Move, error) {
		mv, err := s.lockFor(ctx, tx, p, moveID, Move.CanConfirm)
		if err != nil {
			return mv, err
		}
		fromPrice, toPrice, err := seenPrices(in.FromPrice, in.ToPrice)
		if err != nil {
			return mv, err
		}
		if !mv.Status.Open() {
			return mv, closedError(mv)
		}
		surplus, shortfall := mv.Surplus, mv.Shortfall
		if strings.TrimSpace(string(in.Surplus)) != "" {
			surplus = in.Surplus
		}
		if strings.TrimSpace(string(in.Shortfall)) != "" {
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
		if err := checkSeen(qt, fromPrice, toPrice); err != nil {
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
		return s.move(ctx, tx, moveID)
	})
}

// closedError says why a request can no longer change. Errors:
// move_closed (409).
func closedError(mv Move) error {
	return app.Conflict("move_closed", "This move request was %s on %s.", strings.ToLower(mv.Status.Label()), mv.UpdatedAt.Format("2 Jan 2006"))
}

// ApproveMove approves an open request in a transaction of its own; see
// ApproveMoveTx.
func (s *Service) ApproveMove(ctx context.Context, p *app.Principal, moveID int64) (Move, error) {
	return s.inTx(ctx, func(tx *sqlx.Tx) (Move, error) { return s.ApproveMoveTx(ctx, tx, p, moveID) })
}

// ApproveMoveTx approves an open request inside the caller's transaction,
// for p: a coordinator of the destination or the treasurer (Move.CanDecide).
// Approving an approved request changes nothing. Errors: forbidden (403);
// move_not_found (404); unit_taken, move_closed (409).
func (s *Service) ApproveMoveTx(ctx context.Context, tx *sqlx.Tx, p *app.Principal, moveID int64) (Move, error) {
	mv, err := s.lockFor(ctx, tx, p, moveID, Move.CanDecide)
	if err != nil {
		return mv, err
	}
	return s.setStatus(ctx, tx, mv, MoveApproved, &p.ID, "")
}

// DeclineMove declines an open request, with an optional reason for the
// member (a coordinator of the destination or the treasurer, Move.CanDecide).
// Declining a declined request changes nothing. Errors: forbidden (403);
// move_not_found (404); decline_reason_too_long (422); move_closed (409).
func (s *Service) DeclineMove(ctx context.Context, p *app.Principal, moveID int64, reason string) (Move, error) {
	return s.inTx(ctx, func(tx *sqlx.Tx) (Move, error) {
		mv, err := s.lockFor(ctx, tx, p, moveID, Move.CanDecide)
		if err != nil {
			return mv, err
		}
		reason = strings.TrimSpace(reason)
		if len(reason) > 500 {
			return mv, app.Unprocessable("decline_reason_too_long", "A reason has at most 500 characters.").OnField("reason")
		}
		return s.setStatus(ctx, tx, mv, MoveDeclined, &p.ID, reason)
	})
}

// WithdrawMove withdraws an open request (the moving member, or the
// treasurer for them: Move.CanWithdraw). Withdrawing a withdrawn request
// changes nothing. Errors: forbidden (403); move_not_found (404);
// move_closed (409).
func (s *Service) WithdrawMove(ctx context.Context, p *app.Principal, moveID int64) (Move, error) {
	return s.inTx(ctx, func(tx *sqlx.Tx) (Move, error) {
		mv, err := s.lockFor(ctx, tx, p, moveID, Move.CanWithdraw)
		if err != nil {
			return mv, err
		}
		return s.setStatus(ctx, tx, mv, MoveWithdrawn, nil, "")
	})
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

// setStatus moves a locked open request to a new status; by is the
// coordinator who decided (nil for a withdrawal).
func (s *Service) setStatus(ctx context.Context, tx *sqlx.Tx, mv Move, to MoveStatus, by *int64, reason string) (Move, error) {
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
	_, err := tx.ExecContext(ctx, `
		UPDATE move_requests SET status = $2, decided_by = coalesce($3, decided_by), decided_at = coalesce($4, decided_at),
		    decline_reason = $5, updated_at = $6
		WHERE id = $1`, mv.ID, to, by, decidedAt, reason, now)
	if err := moveError(err); err != nil {
		return mv, err
	}
	return s.move(ctx, tx, mv.ID)
}
