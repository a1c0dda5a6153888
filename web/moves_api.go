package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"

	"hearth/app"
	"hearth/housing/membership"
)

// The JSON forms of moves. Money is a string with two decimals, prices and
// share quantities strings with six, dates YYYY-MM-DD, instants RFC 3339.

type figuresJSON struct {
	FromPrice      string `json:"from_price"`
	SharesRedeemed string `json:"shares_redeemed"`
	ValueRedeemed  string `json:"value_redeemed"`
	FeePct         string `json:"fee_pct"`
	Fee            string `json:"fee"`
	ToPrice        string `json:"to_price"`
	RequiredEquity string `json:"required_equity"`
	SharesIssued   string `json:"shares_issued"`
	ValueIssued    string `json:"value_issued"`
	Rounding       string `json:"rounding"`
	Difference     string `json:"difference"`
	Payout         string `json:"payout"`
	CashIn         string `json:"cash_in"`
	Paydown        string `json:"paydown"`
	LoanIncrease   string `json:"loan_increase"`
}

func figuresView(f membership.Figures) figuresJSON {
	return figuresJSON{FromPrice: priceText(f.FromPrice), SharesRedeemed: sharesText(f.SharesRedeemed), ValueRedeemed: moneyText(f.ValueRedeemed),
		FeePct: f.FeePct.StringFixed(2), Fee: moneyText(f.Fee), ToPrice: priceText(f.ToPrice), RequiredEquity: moneyText(f.RequiredEquity),
		SharesIssued: sharesText(f.SharesIssued), ValueIssued: moneyText(f.ValueIssued), Rounding: moneyText(f.Rounding()),
		Difference: moneyText(f.Difference()), Payout: moneyText(f.Payout), CashIn: moneyText(f.CashIn), Paydown: moneyText(f.Paydown),
		LoanIncrease: moneyText(f.LoanIncrease)}
}

type quoteLoanJSON struct {
	HasLoan        bool   `json:"has_loan"`
	Before         string `json:"before"`
	Payoff         string `json:"payoff"`
	After          string `json:"after"`
	SharesValue    string `json:"shares_value_after"`
	LoanToValuePct string `json:"loan_to_value_pct"`
	Limit          string `json:"limit"`
	WithinLimit    bool   `json:"within_limit"`
}

type quoteJSON struct {
	MemberID    int64            `json:"member_id"`
	From        membership.Place `json:"from"`
	To          membership.Place `json:"to"`
	MoveOn      string           `json:"move_on"`
	QuotedOn    string           `json:"quoted_on"`
	Surplus     string           `json:"surplus"`
	Shortfall   string           `json:"shortfall"`
	Figures     figuresJSON      `json:"figures"`
	FromPricing *priceJSON       `json:"from_pricing"` // null when there is nothing to redeem
	ToPricing   *priceJSON       `json:"to_pricing"`   // null when the unit requires no equity
	Loan        quoteLoanJSON    `json:"share_loan"`
}

func quoteView(q membership.Quote) quoteJSON {
	v := quoteJSON{MemberID: q.MemberID, From: q.From, To: q.To, MoveOn: dayText(q.MoveOn), QuotedOn: dayText(q.QuotedOn),
		Surplus: string(q.Surplus), Shortfall: string(q.Shortfall), Figures: figuresView(q.Figures),
		Loan: quoteLoanJSON{HasLoan: q.HasLoan, Before: moneyText(q.LoanBefore), Payoff: moneyText(q.LoanPayoff), After: moneyText(q.LoanAfter),
			SharesValue: moneyText(q.ValueAfter), LoanToValuePct: q.LoanToValuePct.StringFixed(2), Limit: moneyText(q.LoanLimit), WithinLimit: q.WithinLimit()}}
	if q.FromPriceDetail != nil {
		p := priceView(*q.FromPriceDetail)
		v.FromPricing = &p
	}
	if q.ToPriceDetail != nil {
		p := priceView(*q.ToPriceDetail)
		v.ToPricing = &p
	}
	return v
}

type confirmedQuoteJSON struct {
	QuotedOn string      `json:"quoted_on"`
	Figures  figuresJSON `json:"figures"`
	// Stale is true when today's figures differ from the confirmed ones:
	// the member must confirm again before the move can complete.
	Stale *bool `json:"stale,omitempty"`
}

type completionJSON struct {
	CompletedOn        string      `json:"completed_on"`
	MoveOn             string      `json:"move_on"`
	Figures            figuresJSON `json:"figures"`
	RedeemEventID      *int64      `json:"redeem_event_id"`
	IssueEventID       *int64      `json:"issue_event_id"`
	LoanEntryID        *int64      `json:"loan_entry_id"`
	EndedResidencyID   int64       `json:"ended_residency_id"`
	StartedResidencyID int64       `json:"started_residency_id"`
}

type moveJSON struct {
	ID            int64               `json:"id"`
	Status        string              `json:"status"`
	MemberID      int64               `json:"member_id"`
	MemberName    string              `json:"member_name"`
	From          membership.Place    `json:"from"`
	To            membership.Place    `json:"to"`
	MoveOn        string              `json:"move_on"`
	Surplus       string              `json:"surplus"`
	Shortfall     string              `json:"shortfall"`
	RequestedAt   time.Time           `json:"requested_at"`
	UpdatedAt     time.Time           `json:"updated_at"`
	DecidedBy     *int64              `json:"decided_by"`
	DecidedAt     *time.Time          `json:"decided_at"`
	DeclineReason string              `json:"decline_reason,omitempty"`
	Quote         *confirmedQuoteJSON `json:"quote,omitempty"`      // the member and the treasurer only
	Completion    *completionJSON     `json:"completion,omitempty"` // the member and the treasurer only, once completed
}

// moveView shows a move to p: its money only to those who may see the
// member's money. current, when not nil, is today's quote of an open move.
func moveView(p *app.Principal, mv membership.Move, current *membership.Quote) moveJSON {
	v := moveJSON{ID: mv.ID, Status: string(mv.Status), MemberID: mv.MemberID, MemberName: mv.MemberName,
		From:   membership.Place{SiteID: mv.FromSiteID, SiteName: mv.FromSiteName, UnitID: mv.FromUnitID, UnitName: mv.FromUnitName},
		To:     membership.Place{SiteID: mv.SiteID, SiteName: mv.SiteName, UnitID: mv.UnitID, UnitName: mv.UnitName},
		MoveOn: dayText(mv.MoveOn), Surplus: string(mv.Surplus), Shortfall: string(mv.Shortfall), RequestedAt: mv.CreatedAt,
		UpdatedAt: mv.UpdatedAt, DecidedBy: mv.DecidedBy, DecidedAt: mv.DecidedAt, DeclineReason: mv.DeclineReason}
	if !p.CanSeeMoneyOf(mv.MemberID) {
		return v
	}
	v.Quote = &confirmedQuoteJSON{QuotedOn: dayText(mv.QuotedOn), Figures: figuresView(mv.Figures)}
	if current != nil {
		stale := mv.Stale(*current)
		v.Quote.Stale = &stale
	}
	if c := mv.Completion; c != nil {
		v.Completion = &completionJSON{CompletedOn: dayText(c.CompletedOn), MoveOn: dayText(c.MoveOn), Figures: figuresView(c.Figures),
			RedeemEventID: c.RedeemEventID, IssueEventID: c.IssueEventID, LoanEntryID: c.LoanEntryID,
			EndedResidencyID: c.EndedResidencyID, StartedResidencyID: c.StartedResidencyID}
	}
	return v
}

func moveViews(p *app.Principal, ms []membership.Move) []moveJSON {
	out := make([]moveJSON, len(ms))
	for i, mv := range ms {
		out[i] = moveView(p, mv, nil)
	}
	return out
}

// quoteRequestFrom reads a quote request's fields, from the API or a form.
// An empty move day is today. Errors: invalid_unit, invalid_date,
// invalid_surplus_choice, invalid_shortfall_choice (422).
func (h *moveHandlers) quoteRequestFrom(memberID int64, unit, moveOn, surplus, shortfall string) (membership.QuoteRequest, error) {
	q := membership.QuoteRequest{MemberID: memberID, MoveOn: h.svc.Equity.Today()}
	var err error
	if q.UnitID, err = strconv.ParseInt(strings.TrimSpace(unit), 10, 64); err != nil || q.UnitID <= 0 {
		return q, app.Unprocessable("invalid_unit", "Choose the unit to move to.").OnField("unit_id")
	}
	if strings.TrimSpace(moveOn) != "" {
		if q.MoveOn, err = parseDay("move_on", moveOn); err != nil {
			return q, err
		}
	}
	if q.Surplus, err = membership.ParseSurplus(surplus); err != nil {
		return q, err
	}
	q.Shortfall, err = membership.ParseShortfall(shortfall)
	return q, err
}

// seenPrice reads an optional price the member saw ("" for none).
func seenPrice(field, s string) (decimal.Decimal, error) {
	if strings.TrimSpace(s) == "" {
		return decimal.Zero, nil
	}
	return formDecimal(field, s)
}

// apiQuote quotes a move of the caller to a unit, without asking for it.
func (h *moveHandlers) apiQuote(c *fiber.Ctx) error {
	in, err := h.quoteRequestFrom(principal(c).ID, c.Query("unit_id"), c.Query("move_on"), c.Query("surplus"), c.Query("shortfall"))
	if err != nil {
		return err
	}
	q, err := h.svc.QuoteMove(c.UserContext(), in)
	if err != nil {
		return err
	}
	return c.JSON(quoteView(q))
}

type moveRequestJSON struct {
	UnitID         int64  `json:"unit_id"`
	MoveOn         string `json:"move_on"`
	Surplus        string `json:"surplus"`
	Shortfall      string `json:"shortfall"`
	FromPrice      string `json:"from_price"`
	ToPrice        string `json:"to_price"`
	IdempotencyKey string `json:"idempotency_key"`
}

// apiRequestMove asks for a move of the caller and answers with the
// request and its quote: 201, or 200 when the idempotency key replays an
// earlier request.
func (h *moveHandlers) apiRequestMove(c *fiber.Ctx) error {
	var body moveRequestJSON
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	p := principal(c)
	in, err := h.moveRequestFrom(p.ID, strconv.FormatInt(body.UnitID, 10), body.MoveOn, body.Surplus, body.Shortfall, body.FromPrice, body.ToPrice)
	if err != nil {
		return err
	}
	in.IdempotencyKey = body.IdempotencyKey
	mv, err := h.svc.RequestMove(c.UserContext(), in)
	if err != nil {
		return err
	}
	status := fiber.StatusCreated
	if mv.Replayed {
		status = fiber.StatusOK
	}
	return c.Status(status).JSON(moveView(p, mv, nil))
}

// moveRequestFrom reads a move request's fields, from the API or a form.
func (h *moveHandlers) moveRequestFrom(memberID int64, unit, moveOn, surplus, shortfall, fromPrice, toPrice string) (membership.MoveRequest, error) {
	var in membership.MoveRequest
	var err error
	if in.QuoteRequest, err = h.quoteRequestFrom(memberID, unit, moveOn, surplus, shortfall); err != nil {
		return in, err
	}
	if in.FromPrice, err = seenPrice("from_price", fromPrice); err != nil {
		return in, err
	}
	in.ToPrice, err = seenPrice("to_price", toPrice)
	return in, err
}

// apiMyMoves lists the caller's move requests, latest first.
func (h *moveHandlers) apiMyMoves(c *fiber.Ctx) error {
	p := principal(c)
	ms, err := h.svc.MovesOf(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"moves": moveViews(p, ms)})
}

// apiSiteMoves lists the move requests into a site (its coordinators and
// the treasurer): the open ones, then the 50 latest closed ones.
func (h *moveHandlers) apiSiteMoves(c *fiber.Ctx) error {
	siteID, err := coordinatedSite(c)
	if err != nil {
		return err
	}
	p := principal(c)
	open, closed, err := h.svc.MovesTo(c.UserContext(), []int64{siteID}, 50)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"moves": moveViews(p, append(open, closed...))})
}

// apiMove shows a move request; to the member and the treasurer with its
// money and whether its confirmed quote still holds.
func (h *moveHandlers) apiMove(c *fiber.Ctx) error {
	mv, err := h.visibleMove(c)
	if err != nil {
		return err
	}
	p := principal(c)
	var current *membership.Quote
	if mv.Status.Open() && p.CanSeeMoneyOf(mv.MemberID) {
		q, err := h.svc.CurrentQuote(c.UserContext(), mv)
		if err == nil {
			current = &q
		} else if app.ErrorKind(err) == app.KindInternal {
			return err
		}
	}
	return c.JSON(moveView(p, mv, current))
}

type confirmJSON struct {
	Surplus   string `json:"surplus"`
	Shortfall string `json:"shortfall"`
	FromPrice string `json:"from_price"`
	ToPrice   string `json:"to_price"`
}

// confirmFrom reads a confirmation; empty choices keep the request's.
func confirmFrom(surplus, shortfall, fromPrice, toPrice string) (membership.Confirm, error) {
	in := membership.Confirm{Surplus: membership.Surplus(strings.TrimSpace(surplus)), Shortfall: membership.Shortfall(strings.TrimSpace(shortfall))}
	var err error
	if in.FromPrice, err = seenPrice("from_price", fromPrice); err != nil {
		return in, err
	}
	in.ToPrice, err = seenPrice("to_price", toPrice)
	return in, err
}

// apiConfirm confirms today's figures of the caller's open request.
func (h *moveHandlers) apiConfirm(c *fiber.Ctx) error {
	mv, err := h.visibleMove(c)
	if err != nil {
		return err
	}
	p := principal(c)
	if err := requireMover(p, mv, false); err != nil {
		return err
	}
	var body confirmJSON
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &body); err != nil {
			return err
		}
	}
	in, err := confirmFrom(body.Surplus, body.Shortfall, body.FromPrice, body.ToPrice)
	if err != nil {
		return err
	}
	if mv, err = h.svc.ConfirmMove(c.UserContext(), mv.ID, in); err != nil {
		return err
	}
	return c.JSON(moveView(p, mv, nil))
}

// apiApprove approves a request (a coordinator of the destination).
func (h *moveHandlers) apiApprove(c *fiber.Ctx) error {
	return h.apiDecide(c, func(mv membership.Move, p *app.Principal) (membership.Move, error) {
		return h.svc.ApproveMove(c.UserContext(), mv.ID, p.ID)
	})
}

type declineJSON struct {
	Reason string `json:"reason"`
}

// apiDecline declines a request, with an optional reason (a coordinator of
// the destination).
func (h *moveHandlers) apiDecline(c *fiber.Ctx) error {
	var body declineJSON
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &body); err != nil {
			return err
		}
	}
	return h.apiDecide(c, func(mv membership.Move, p *app.Principal) (membership.Move, error) {
		return h.svc.DeclineMove(c.UserContext(), mv.ID, p.ID, body.Reason)
	})
}

// apiComplete completes an approved move on or after its day (a
// coordinator of the destination); completing it again answers the same.
func (h *moveHandlers) apiComplete(c *fiber.Ctx) error {
	return h.apiDecide(c, func(mv membership.Move, p *app.Principal) (membership.Move, error) {
		return h.svc.CompleteMove(c.UserContext(), mv.ID, &p.ID)
	})
}

// apiDecide runs a coordinator's decision on a visible move.
func (h *moveHandlers) apiDecide(c *fiber.Ctx, decide func(membership.Move, *app.Principal) (membership.Move, error)) error {
	mv, err := h.visibleMove(c)
	if err != nil {
		return err
	}
	p := principal(c)
	if err := p.RequireCoordinator(mv.SiteID); err != nil {
		return err
	}
	if mv, err = decide(mv, p); err != nil {
		return err
	}
	return c.JSON(moveView(p, mv, nil))
}

// apiWithdraw withdraws the caller's open request (or, for the treasurer,
// anyone's).
func (h *moveHandlers) apiWithdraw(c *fiber.Ctx) error {
	mv, err := h.visibleMove(c)
	if err != nil {
		return err
	}
	p := principal(c)
	if err := requireMover(p, mv, true); err != nil {
		return err
	}
	if mv, err = h.svc.WithdrawMove(c.UserContext(), mv.ID); err != nil {
		return err
	}
	return c.JSON(moveView(p, mv, nil))
}
