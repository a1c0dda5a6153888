package membership

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/shopspring/decimal"

	"hearth/app"
	"hearth/finance/equity"
	"hearth/finance/equity/loans"
	"hearth/housing"
)

// Moves between sites, the nomad mortgage (docs/moves.md). A member living
// at site A asks to move to a free unit at site B and sees a quote first:
// their shares at A valued at A's price, the transfer fee, what B's unit
// requires at B's price, and how the difference is settled. A coordinator of
// B approves or declines; the member may withdraw until the move is
// completed. Completing it is one transaction (move_complete.go).

// Surplus says what happens to the value a member carries beyond what the
// new unit requires.
type Surplus string

// The ways a surplus is settled.
const (
	SurplusPayout  Surplus = "payout"  // paid out to the member
	SurplusPaydown Surplus = "paydown" // pays down the share loan; what is left over is paid out
)

// Shortfall says how a member pays what the new unit requires beyond the
// value they carry.
type Shortfall string

// The ways a shortfall is paid.
const (
	ShortfallCash Shortfall = "cash" // paid in cash
	ShortfallLoan Shortfall = "loan" // added to the share loan, within the loan-to-value limit
)

// MoveStatus is where a move request stands.
type MoveStatus string

// A request is requested, then approved, then completed; or it ends
// declined by a coordinator or withdrawn by the member.
const (
	MoveRequested MoveStatus = "requested"
	MoveApproved  MoveStatus = "approved"
	MoveDeclined  MoveStatus = "declined"
	MoveWithdrawn MoveStatus = "withdrawn"
	MoveCompleted MoveStatus = "completed"
)

// Open reports whether the request still waits for something to happen.
func (s MoveStatus) Open() bool { return s == MoveRequested || s == MoveApproved }

// Label names a status for people.
func (s MoveStatus) Label() string {
	switch s {
	case MoveRequested:
		return "Awaiting a coordinator"
	case MoveApproved:
		return "Approved"
	case MoveDeclined:
		return "Declined"
	case MoveWithdrawn:
		return "Withdrawn"
	case MoveCompleted:
		return "Completed"
	}
	return string(s)
}

// MaxMoveAheadDays is how far ahead a move may be asked for.
const MaxMoveAheadDays = 180

// TransferFee is the fee a move takes: the value redeemed × the fee percent
// / 100, rounded to the cent half away from zero (equity.RoundMoney).
func TransferFee(value, pct decimal.Decimal) decimal.Decimal {
	return equity.RoundMoney(value.Mul(pct).Shift(-2))
}

// Figures are the money of a move: what a quote shows, what a request
// stores and what a completion settled. A price is zero when it plays no
// part (no shares to redeem, no equity required).
type Figures struct {
	FromPrice      decimal.Decimal `db:"from_price" json:"from_price"`           // A's share price
	SharesRedeemed decimal.Decimal `db:"shares_redeemed" json:"shares_redeemed"` // every share the member holds at A
	ValueRedeemed  decimal.Decimal `db:"value_redeemed" json:"value_redeemed"`   // equity.ValueOf(shares, A's price)
	FeePct         decimal.Decimal `db:"fee_pct" json:"fee_pct"`
	Fee            decimal.Decimal `db:"fee" json:"fee"`                         // TransferFee(value redeemed, fee percent)
	ToPrice        decimal.Decimal `db:"to_price" json:"to_price"`               // B's share price
	RequiredEquity decimal.Decimal `db:"required_equity" json:"required_equity"` // what B's unit requires, spent on shares at B
	SharesIssued   decimal.Decimal `db:"shares_issued" json:"shares_issued"`     // equity.SharesFor(required equity, B's price)
	ValueIssued    decimal.Decimal `db:"value_issued" json:"value_issued"`       // equity.ValueOf(shares issued, B's price)
	Payout         decimal.Decimal `db:"payout" json:"payout"`                   // surplus paid out
	CashIn         decimal.Decimal `db:"cash_in" json:"cash_in"`                 // shortfall paid in cash
	Paydown        decimal.Decimal `db:"paydown" json:"paydown"`                 // surplus paid on the share loan (interest first)
	LoanIncrease   decimal.Decimal `db:"loan_increase" json:"loan_increase"`     // shortfall added to the share loan
}

// Difference is what the member carries beyond what B's unit requires:
// value redeemed − fee − required equity. Positive is a surplus, negative a
// shortfall.
func (f Figures) Difference() decimal.Decimal {
	return f.ValueRedeemed.Sub(f.Fee).Sub(f.RequiredEquity)
}

// Rounding is what the shares bought at B are worth less than the money
// spent on them; it goes to B's rounding account.
func (f Figures) Rounding() decimal.Decimal { return f.RequiredEquity.Sub(f.ValueIssued) }

// Conserved reports whether the figures keep the identity of docs/moves.md:
// value redeemed = fee + required equity + payout − cash in + paydown − loan increase.
func (f Figures) Conserved() bool {
	return f.ValueRedeemed.Equal(f.Fee.Add(f.RequiredEquity).Add(f.Payout).Sub(f.CashIn).Add(f.Paydown).Sub(f.LoanIncrease))
}

// staleAgainst returns stale_quote (409) when the money of a confirmed
// quote differs from today's: a price, the shares held, the fee or what the
// unit requires. The split of a surplus between loan paydown and payout may
// move by the interest the loan accrued in between; that is not staleness.
func (f Figures) staleAgainst(now Figures) error {
	if !f.FromPrice.Equal(now.FromPrice) || !f.ToPrice.Equal(now.ToPrice) {
		return priceChanged()
	}
	if !f.SharesRedeemed.Equal(now.SharesRedeemed) || !f.ValueRedeemed.Equal(now.ValueRedeemed) ||
		!f.Fee.Equal(now.Fee) || !f.RequiredEquity.Equal(now.RequiredEquity) || !f.SharesIssued.Equal(now.SharesIssued) {
		return app.Conflict("stale_quote", "The figures of this move changed since you saw the quote (your shares, the fee or what the unit requires): look at the new figures and confirm again.")
	}
	return nil
}

// priceChanged is the stale_quote (409) of a price that moved since the
// member saw it.
func priceChanged() error {
	return app.Conflict("stale_quote", "The share price changed since you saw the quote: look at the new figures and confirm again.")
}

// Place is a unit at a site.
type Place struct {
	SiteID   int64  `db:"site_id" json:"site_id"`
	SiteName string `db:"site_name" json:"site_name"`
	UnitID   int64  `db:"unit_id" json:"unit_id"`
	UnitName string `db:"unit_name" json:"unit_name"`
}

// Quote is what a move would do today: its Figures with the formulas of the
// prices, and the share loan before and after against the loan-to-value
// limit.
type Quote struct {
	MemberID    int64
	From        Place
	ResidencyID int64 // the residency at A that the move ends
	To          Place
	MoveOn      time.Time
	QuotedOn    time.Time
	Surplus     Surplus
	Shortfall   Shortfall
	Figures
	FromPriceDetail *equity.Price // nil when there is nothing to redeem
	ToPriceDetail   *equity.Price // nil when the unit requires no equity
	HasLoan         bool
	LoanBefore      decimal.Decimal // principal owed now
	LoanPayoff      decimal.Decimal // what pays the loan off today: principal and accrued interest
	LoanAfter       decimal.Decimal // principal owed after the move
	ValueAfter      decimal.Decimal // every share the member holds after the move, at today's prices
	LoanToValuePct  decimal.Decimal
	LoanLimit       decimal.Decimal // loans.LoanLimit(ValueAfter, LoanToValuePct)
}

// WithinLimit reports whether the loan after the move keeps to the
// loan-to-value limit.
func (q Quote) WithinLimit() bool { return !q.LoanAfter.GreaterThan(q.LoanLimit) }

// checkLimit returns beyond_loan_to_value (422) when the quote's loan is
// beyond the limit.
func (q Quote) checkLimit() error {
	if q.WithinLimit() {
		return nil
	}
	return app.Unprocessable("beyond_loan_to_value",
		"After this move your share loan would be %s, more than %s%% of your shares' value %s: the credit union lends at most %s. Pay the shortfall in cash or pay the loan down with the surplus.",
		q.LoanAfter.StringFixed(2), q.LoanToValuePct.String(), q.ValueAfter.StringFixed(2), q.LoanLimit.StringFixed(2)).OnField("shortfall")
}

// ParseSurplus reads a surplus choice; empty means payout. Errors:
// invalid_surplus_choice (422).
func ParseSurplus(s string) (Surplus, error) {
	switch c := Surplus(strings.TrimSpace(s)); c {
	case "":
		return SurplusPayout, nil
	case SurplusPayout, SurplusPaydown:
		return c, nil
	}
	return "", app.Unprocessable("invalid_surplus_choice", "A surplus is paid out (payout) or pays down the share loan (paydown).").OnField("surplus")
}

// ParseShortfall reads a shortfall choice; empty means cash. Errors:
// invalid_shortfall_choice (422).
func ParseShortfall(s string) (Shortfall, error) {
	switch c := Shortfall(strings.TrimSpace(s)); c {
	case "":
		return ShortfallCash, nil
	case ShortfallCash, ShortfallLoan:
		return c, nil
	}
	return "", app.Unprocessable("invalid_shortfall_choice", "A shortfall is paid in cash (cash) or added to the share loan (loan).").OnField("shortfall")
}

// QuoteRequest asks what moving a member to a unit on a day (today when
// zero) would do.
type QuoteRequest struct {
	MemberID  int64
	UnitID    int64
	MoveOn    time.Time
	Surplus   Surplus
	Shortfall Shortfall
}

// QuoteMove quotes a move of the caller (p; a zero MemberID means p) from
// where they live today to a unit at another site, at today's prices. A
// quote beyond the loan-to-value limit is returned (WithinLimit says so);
// requesting it is refused.
//
// Errors: forbidden (403) for another member's move; invalid_unit,
// invalid_surplus_choice, invalid_shortfall_choice, move_date_in_past,
// move_date_too_far, move_date_too_early, move_month_charged, no_home,
// same_site (422); unit_not_found (404); unit_taken, member_already_resident,
// home_changed (409); and those of equity.SharePriceOn.
func (s *Service) QuoteMove(ctx context.Context, p *app.Principal, in QuoteRequest) (Quote, error) {
	if in.MemberID == 0 && p != nil {
		in.MemberID = p.ID
	}
	if err := CanAskToMove(p, in.MemberID); err != nil {
		return Quote{}, err
	}
	var qt Quote
	err := app.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		var err error
		qt, err = s.quoteMove(ctx, tx, in)
		return err
	})
	return qt, err
}

func (s *Service) quoteMove(ctx context.Context, tx *sqlx.Tx, in QuoteRequest) (Quote, error) {
	var err error
	if in.Surplus, err = ParseSurplus(string(in.Surplus)); err != nil {
		return Quote{}, err
	}
	if in.Shortfall, err = ParseShortfall(string(in.Shortfall)); err != nil {
		return Quote{}, err
	}
	if in.UnitID <= 0 {
		return Quote{}, app.Unprocessable("invalid_unit", "Choose the unit to move to.").OnField("unit_id")
	}
	today := s.Equity.Today()
	moveOn := equity.Day(in.MoveOn)
	if in.MoveOn.IsZero() {
		moveOn = today
	}
	in.MoveOn = moveOn
	if moveOn.Before(today) {
		return Quote{}, app.Unprocessable("move_date_in_past", "A move is asked for today or a later day.").OnField("move_on")
	}
	if moveOn.After(today.AddDate(0, 0, MaxMoveAheadDays)) {
		return Quote{}, app.Unprocessable("move_date_too_far", "A move is asked for at most %d days ahead, by %s.",
			MaxMoveAheadDays, today.AddDate(0, 0, MaxMoveAheadDays).Format(time.DateOnly)).OnField("move_on")
	}
	home, err := housing.CurrentResidency(ctx, tx, in.MemberID, today)
	if app.ErrorKind(err) == app.KindNotFound {
		return Quote{}, app.Unprocessable("no_home", "You do not live at one of the cooperative's sites, so there is no home to move from. Ask a coordinator about joining a site instead.")
	}
	if err != nil {
		return Quote{}, err
	}
	if !moveOn.After(home.StartsOn) {
		return Quote{}, app.Unprocessable("move_date_too_early", "You moved in on %s: a move away is from the day after on.",
			home.StartsOn.Format(time.DateOnly)).OnField("move_on")
	}
	if home.EndsOn != nil && home.EndsOn.Before(moveOn) {
		return Quote{}, app.Conflict("home_changed", "Your home ends on %s, before the move: ask for a move on or before that day.",
			home.EndsOn.Format(time.DateOnly)).OnField("move_on")
	}
	if err := checkFree(ctx, tx, in.UnitID, in.MemberID, home.ID, moveOn); err != nil {
		return Quote{}, err
	}
	if err := checkUncharged(ctx, tx, home.ID, moveOn); err != nil {
		return Quote{}, err
	}
	return s.quote(ctx, tx, in, home)
}

// checkUncharged refuses a move day in a month whose carrying charges are
// already posted for the home left: the charge was for the whole month, and
// posted charges are never rewritten. Error: move_month_charged (422).
func checkUncharged(ctx context.Context, q sqlx.QueryerContext, homeID int64, moveOn time.Time) error {
	var charged bool
	if err := sqlx.GetContext(ctx, q, &charged, `
		SELECT EXISTS (SELECT 1 FROM unit_charges WHERE residency_id = $1 AND month >= date_trunc('month', $2::date))`,
		homeID, moveOn.Format(time.DateOnly)); err != nil {
		return fmt.Errorf("membership: unable to read charges: %w", err)
	}
	if charged {
		next := time.Date(moveOn.Year(), moveOn.Month()+1, 1, 0, 0, 0, 0, time.UTC)
		return app.Unprocessable("move_month_charged",
			"The carrying charges of %s are already posted for your home, so a move can no longer happen on %s: choose %s or later.",
			moveOn.Format("January 2006"), moveOn.Format("2 Jan 2006"), next.Format("2 Jan 2006")).OnField("move_on")
	}
	return nil
}

// checkFree refuses a unit that someone lives in on or after the move day,
// and a member with another home from then on. Errors: unit_taken,
// member_already_resident (409).
func checkFree(ctx context.Context, q sqlx.QueryerContext, unitID, memberID, homeID int64, moveOn time.Time) error {
	var clash struct {
		Unit   bool `db:"unit"`
		Member bool `db:"member"`
	}
	if err := sqlx.GetContext(ctx, q, &clash, `
		SELECT EXISTS (SELECT 1 FROM residencies_from($3::date) WHERE unit_id = $1) AS unit,
		       EXISTS (SELECT 1 FROM residencies_from($3::date) WHERE member_id = $2 AND id <> $4) AS member`,
		unitID, memberID, moveOn.Format(time.DateOnly), homeID); err != nil {
		return fmt.Errorf("membership: unable to read residencies: %w", err)
	}
	if clash.Unit {
		return unitTaken()
	}
	if clash.Member {
		return app.Conflict("member_already_resident", "You already have another home from that day on.").OnField("move_on")
	}
	return nil
}

func unitTaken() error {
	return app.Conflict("unit_taken", "Someone else lives in that unit from that day, or has just taken it.").OnField("unit_id")
}

// placeOf returns a unit with its site, and the equity it requires.
// Errors: unit_not_found (404).
func placeOf(ctx context.Context, q sqlx.QueryerContext, unitID int64) (Place, decimal.Decimal, error) {
	var u struct {
		Place
		Required decimal.Decimal `db:"required_equity"`
	}
	err := sqlx.GetContext(ctx, q, &u, `
		SELECT u.site_id, s.name AS site_name, u.id AS unit_id, u.name AS unit_name, u.required_equity
		FROM units u JOIN sites s ON s.id = u.site_id WHERE u.id = $1`, unitID)
	if app.ErrNoRows(err) {
		return u.Place, u.Required, app.Errorf(app.KindNotFound, "unit_not_found", "There is no such unit.").OnField("unit_id")
	}
	if err != nil {
		return u.Place, u.Required, fmt.Errorf("membership: unable to read unit: %w", err)
	}
	return u.Place, u.Required, nil
}

// quote computes the figures of moving out of home into a unit today. It
// is the one place the money of a move is worked out: requests, their
// confirmation and completion all call it.
func (s *Service) quote(ctx context.Context, tx *sqlx.Tx, in QuoteRequest, home housing.Residency) (Quote, error) {
	qt := Quote{MemberID: in.MemberID, ResidencyID: home.ID, MoveOn: equity.Day(in.MoveOn), Surplus: in.Surplus, Shortfall: in.Shortfall}
	var required decimal.Decimal
	var err error
	if qt.To, required, err = placeOf(ctx, tx, in.UnitID); err != nil {
		return qt, err
	}
	if qt.From, _, err = placeOf(ctx, tx, home.UnitID); err != nil {
		return qt, err
	}
	if qt.To.SiteID == qt.From.SiteID {
		return qt, app.Unprocessable("same_site", "You already live at %s: a move is to another site.", qt.From.SiteName).OnField("unit_id")
	}
	today := s.Equity.Today()
	qt.QuotedOn = today
	settings, err := s.Equity.SettingsTx(ctx, tx)
	if err != nil {
		return qt, err
	}
	f := Figures{FeePct: settings.TransferFeePct, RequiredEquity: required}
	if f.SharesRedeemed, err = s.Equity.HoldingAtTx(ctx, tx, qt.From.SiteID, in.MemberID); err != nil {
		return qt, err
	}
	if f.SharesRedeemed.IsPositive() {
		p, err := s.Equity.SharePriceOnTx(ctx, tx, qt.From.SiteID, today)
		if err != nil {
			return qt, err
		}
		qt.FromPriceDetail, f.FromPrice = &p, p.Price
		f.ValueRedeemed = equity.ValueOf(f.SharesRedeemed, p.Price)
		f.Fee = TransferFee(f.ValueRedeemed, f.FeePct)
	}
	if f.RequiredEquity.IsPositive() {
		p, err := s.Equity.SharePriceOnTx(ctx, tx, qt.To.SiteID, today)
		if err != nil {
			return qt, err
		}
		qt.ToPriceDetail, f.ToPrice = &p, p.Price
		f.SharesIssued = equity.SharesFor(f.RequiredEquity, p.Price)
		if !f.SharesIssued.IsPositive() {
			return qt, app.Unprocessable("amount_too_small", "%s buys no share at %s a share.", f.RequiredEquity.StringFixed(2), p.Price.String()).OnField("unit_id")
		}
		f.ValueIssued = equity.ValueOf(f.SharesIssued, p.Price)
	}
	accrued := decimal.Zero
	loan, err := s.Loans.ShareLoanOfTx(ctx, tx, in.MemberID)
	switch {
	case err == nil:
		qt.HasLoan, qt.LoanBefore, qt.LoanPayoff = true, loan.Balance(), loan.Balance()
		// As ChangeShareLoan does, a loan with no payoff quote today (it
		// started today) has accrued nothing.
		if payoff, err := s.Loans.PayoffQuoteTx(ctx, tx, loan.ID, today); err == nil {
			accrued, qt.LoanPayoff = payoff.AccruedInterest, payoff.Total
		}
	case app.ErrorKind(err) != app.KindNotFound:
		return qt, err
	}
	if d := f.Difference(); !d.IsNegative() {
		if in.Surplus == SurplusPaydown && qt.HasLoan {
			f.Paydown = decimal.Min(d, qt.LoanPayoff)
		}
		f.Payout = d.Sub(f.Paydown)
	} else if in.Shortfall == ShortfallLoan {
		f.LoanIncrease = d.Neg()
	} else {
		f.CashIn = d.Neg()
	}
	// A paydown settles the accrued interest first (loan.Allocate), then principal.
	principalPaid := f.Paydown.Sub(decimal.Min(f.Paydown, accrued))
	qt.LoanAfter = qt.LoanBefore.Sub(principalPaid).Add(f.LoanIncrease)
	if qt.ValueAfter, err = s.valueAfter(ctx, tx, in.MemberID, qt.From.SiteID, qt.To.SiteID, f); err != nil {
		return qt, err
	}
	qt.LoanToValuePct = settings.LoanToValuePct
	qt.LoanLimit = loans.LoanLimit(qt.ValueAfter, settings.LoanToValuePct)
	qt.Figures = f
	return qt, nil
}

// valueAfter values what the member will hold after the move at today's
// prices, site by site as equity.CheckLoanToValue does: nothing at A, the
// shares issued added to any already held at B, the rest as they are.
func (s *Service) valueAfter(ctx context.Context, tx *sqlx.Tx, memberID, fromSite, toSite int64, f Figures) (decimal.Decimal, error) {
	hs, err := s.Equity.HoldingsTx(ctx, tx, memberID)
	if err != nil {
		return decimal.Zero, err
	}
	value := decimal.Zero
	atB := false
	for _, h := range hs {
		switch h.SiteID {
		case fromSite:
		case toSite:
			atB = true
			value = value.Add(equity.ValueOf(h.Quantity.Add(f.SharesIssued), h.Price.Price))
		default:
			value = value.Add(h.Value)
		}
	}
	if !atB {
		value = value.Add(f.ValueIssued)
	}
	return value, nil
}

// MoveOption is a unit free at another site from a day on, and what the
// member carries there against what it requires.
type MoveOption struct {
	SiteID   int64
	SiteName string
	FreeUnit
	// Difference is what the member carries less what the unit requires:
	// a surplus when positive, a shortfall when negative.
	Difference decimal.Decimal
}

// MoveOptions is what a member could move to on a day, and what they carry.
type MoveOptions struct {
	On      time.Time
	Home    *Place // nil when the member lives nowhere today
	Shares  decimal.Decimal
	Price   *equity.Price // nil without shares at home
	Value   decimal.Decimal
	FeePct  decimal.Decimal
	Fee     decimal.Decimal
	Carried decimal.Decimal // Value − Fee: what the member's equity buys elsewhere
	Units   []MoveOption
}

// moveOptions lists the units free from a day on at the sites other than
// the member's, with what the member's equity, valued at today's price of
// their site less the transfer fee, leaves over or short of each. A member
// who lives nowhere sees every free unit and carries nothing. Errors: those
// of equity.SharePriceOn.
func (s *Service) moveOptions(ctx context.Context, tx *sqlx.Tx, memberID int64, on time.Time) (MoveOptions, error) {
	today := s.Equity.Today()
	opts := MoveOptions{On: equity.Day(on)}
	settings, err := s.Equity.SettingsTx(ctx, tx)
	if err != nil {
		return opts, err
	}
	opts.FeePct = settings.TransferFeePct
	homeSite := int64(0)
	home, err := housing.CurrentResidency(ctx, tx, memberID, today)
	switch {
	case err == nil:
		p, _, err := placeOf(ctx, tx, home.UnitID)
		if err != nil {
			return opts, err
		}
		opts.Home, homeSite = &p, p.SiteID
		if opts.Shares, err = s.Equity.HoldingAtTx(ctx, tx, homeSite, memberID); err != nil {
			return opts, err
		}
		if opts.Shares.IsPositive() {
			price, err := s.Equity.SharePriceOnTx(ctx, tx, homeSite, today)
			if err != nil {
				return opts, err
			}
			opts.Price = &price
			opts.Value = equity.ValueOf(opts.Shares, price.Price)
			opts.Fee = TransferFee(opts.Value, opts.FeePct)
		}
	case app.ErrorKind(err) != app.KindNotFound:
		return opts, err
	}
	opts.Carried = opts.Value.Sub(opts.Fee)
	var sites []struct {
		ID   int64  `db:"id"`
		Name string `db:"name"`
	}
	if err := tx.SelectContext(ctx, &sites, `SELECT id, name FROM sites WHERE id <> $1 ORDER BY name`, homeSite); err != nil {
		return opts, fmt.Errorf("membership: unable to list sites: %w", err)
	}
	for _, site := range sites {
		units, err := freeUnits(ctx, tx, site.ID, opts.On)
		if err != nil {
			return opts, err
		}
		for _, u := range units {
			opts.Units = append(opts.Units, MoveOption{SiteID: site.ID, SiteName: site.Name, FreeUnit: u, Difference: opts.Carried.Sub(u.RequiredEquity)})
		}
	}
	return opts, nil
}

// Moves is what a member sees of moves: where they could move and what
// their equity carries there, the requests they made, and for those who
// decide moves into some site, how many wait for them.
type Moves struct {
	Options  MoveOptions
	Mine     []Move // latest first
	Reviews  bool   // p decides moves into some site (CanReviewMoves)
	ToReview int    // open requests into the sites p decides
}

// Moves returns the caller's moves and the units free from a day on
// (today when zero) at the other sites. Errors: those of
// equity.SharePriceOn.
func (s *Service) Moves(ctx context.Context, p *app.Principal, on time.Time) (Moves, error) {
	var m Moves
	if on.IsZero() {
		on = s.Equity.Today()
	}
	err := app.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		var err error
		m.Options, err = s.moveOptions(ctx, tx, p.ID, on)
		return err
	})
	if err != nil {
		return m, err
	}
	if m.Mine, err = s.MovesOf(ctx, p); err != nil {
		return m, err
	}
	if m.Reviews = CanReviewMoves(p) == nil; m.Reviews {
		open, _, err := s.movesTo(ctx, reviewedSites(p), 0)
		if err != nil {
			return m, err
		}
		m.ToReview = len(open)
	}
	return m, nil
}
