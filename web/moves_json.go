package web

import (
	"time"

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

// moveView shows a move to p: its money only to those who may see it
// (Move.MoneyVisibleTo). current, when not nil, is today's quote of an open
// move.
func moveView(p *app.Principal, mv membership.Move, current *membership.Quote) moveJSON {
	v := moveJSON{ID: mv.ID, Status: string(mv.Status), MemberID: mv.MemberID, MemberName: mv.MemberName,
		From:   membership.Place{SiteID: mv.FromSiteID, SiteName: mv.FromSiteName, UnitID: mv.FromUnitID, UnitName: mv.FromUnitName},
		To:     membership.Place{SiteID: mv.SiteID, SiteName: mv.SiteName, UnitID: mv.UnitID, UnitName: mv.UnitName},
		MoveOn: dayText(mv.MoveOn), Surplus: string(mv.Surplus), Shortfall: string(mv.Shortfall), RequestedAt: mv.CreatedAt,
		UpdatedAt: mv.UpdatedAt, DecidedBy: mv.DecidedBy, DecidedAt: mv.DecidedAt, DeclineReason: mv.DeclineReason}
	if !mv.MoneyVisibleTo(p) {
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
