// Package statement builds a member's equity statement: what they hold at
// each site and what it is worth today, their share loan and net equity,
// and its history line by line and as a chart, from the share register
// (finance/equity), their loans (finance/equity/loans) and their charges
// (finance/equity/charges).
package statement

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/shopspring/decimal"

	"hearth/app"
	"hearth/finance/equity"
	"hearth/finance/equity/charges"
	"hearth/finance/equity/loans"
)

// Service builds members' statements from the equity, loans and charges
// services.
type Service struct {
	DB      *sqlx.DB
	Equity  *equity.Service
	Loans   *loans.Service
	Charges *charges.Service
}

// New returns the statement service on the other equity services.
func New(eq *equity.Service, ln *loans.Service, ch *charges.Service) *Service {
	return &Service{DB: eq.DB, Equity: eq, Loans: ln, Charges: ch}
}

// Statement is a member's equity: what they hold at each site and what it
// is worth today, their share loan, their net equity, and its history.
type Statement struct {
	MemberID    int64            `json:"member_id"`
	MemberName  string           `json:"member_name"`
	On          time.Time        `json:"on"`
	Holdings    []equity.Holding `json:"holdings"`
	SharesValue decimal.Decimal  `json:"shares_value"`
	Loan        *loans.Loan      `json:"share_loan"`
	LoanBalance decimal.Decimal  `json:"loan_balance"` // from the ledger
	// AccountBalance is what the member owes on their account (charges and
	// loan installments billed, less payments); negative when in credit.
	AccountBalance decimal.Decimal  `json:"account_balance"`
	NetEquity      decimal.Decimal  `json:"net_equity"` // SharesValue − LoanBalance
	Events         []StatementEvent `json:"events"`     // oldest first
	Series         []EquityPoint    `json:"series"`     // first event, month ends, today
	Marks          []ChartMark      `json:"marks"`
}

// EventType is the sort of a statement line.
type EventType string

// The lines of a statement.
const (
	EventShares    EventType = "shares"     // an issue or redemption other than a charge
	EventCharge    EventType = "charge"     // a monthly carrying charge
	EventLoan      EventType = "loan"       // a share loan opened, increased, paid down or off
	EventAppraisal EventType = "appraisal"  // an appraisal of a site where the member held shares
	EventValuation EventType = "valuation"  // CSV only: a holding valued today
	EventShareLoan EventType = "share_loan" // CSV only: the loan balance today
	EventNetEquity EventType = "net_equity" // CSV only: net equity today
)

// StatementEvent is one dated line of a statement.
type StatementEvent struct {
	Date        time.Time       `json:"date"`
	Type        EventType       `json:"type"`
	Kind        string          `json:"kind"` // the share kind, for share lines
	SiteID      int64           `json:"site_id,omitempty"`
	SiteName    string          `json:"site_name,omitempty"`
	Quantity    decimal.Decimal `json:"quantity"`
	Price       decimal.Decimal `json:"price"`
	Value       decimal.Decimal `json:"value"`
	Amount      decimal.Decimal `json:"amount"`
	Description string          `json:"description"`
}

// EquityPoint is the member's equity at the end of a day: shares at that
// day's prices, less the share loan owed.
type EquityPoint struct {
	Date        time.Time       `json:"date"`
	SharesValue decimal.Decimal `json:"shares_value"`
	Loan        decimal.Decimal `json:"loan"`
	Net         decimal.Decimal `json:"net"`
}

// MarkKind says what a chart mark shows.
type MarkKind string

// The marks of the equity chart.
const (
	MarkCharge    MarkKind = "charge"
	MarkMove      MarkKind = "move"
	MarkAppraisal MarkKind = "appraisal"
	MarkBuyIn     MarkKind = "buy_in"
)

// ChartMark is an event marked on the equity chart.
type ChartMark struct {
	Date  time.Time `json:"date"`
	Kind  MarkKind  `json:"kind"`
	Label string    `json:"label"`
}

// MemberStatement builds a member's statement as of today, for the member
// and the treasurer. Errors: forbidden (403); member_not_found (404), and
// those of SharePriceOn.
func (s *Service) MemberStatement(ctx context.Context, p *app.Principal, memberID int64) (Statement, error) {
	if err := p.RequireMoneyOf(memberID); err != nil {
		return Statement{}, err
	}
	today := s.Equity.Today()
	st := Statement{MemberID: memberID, On: today}
	err := s.DB.GetContext(ctx, &st.MemberName, `SELECT name FROM members WHERE id = $1`, memberID)
	if app.ErrNoRows(err) {
		return st, app.Errorf(app.KindNotFound, "member_not_found", "There is no such member.")
	}
	if err != nil {
		return st, fmt.Errorf("equity: unable to read member: %w", err)
	}
	if st.Holdings, err = s.Equity.Holdings(ctx, p, memberID); err != nil {
		return st, err
	}
	st.SharesValue = decimal.Zero
	for _, h := range st.Holdings {
		st.SharesValue = st.SharesValue.Add(h.Value)
	}
	macc := equity.AccountsOfMember(memberID)
	if st.LoanBalance, err = s.Equity.Balance(ctx, macc.ShareLoan, nil, equity.DebitNormal); err != nil {
		return st, err
	}
	if st.AccountBalance, err = s.Equity.Balance(ctx, macc.Receivable, nil, equity.DebitNormal); err != nil {
		return st, err
	}
	if l, err := s.Loans.ShareLoan(ctx, p, memberID); err == nil {
		st.Loan = &l
	} else if app.ErrorKind(err) != app.KindNotFound {
		return st, err
	}
	st.NetEquity = st.SharesValue.Sub(st.LoanBalance)
	if st.Events, err = s.statementEvents(ctx, p, memberID); err != nil {
		return st, err
	}
	for _, e := range st.Events {
		switch {
		case e.Type == EventAppraisal:
			st.Marks = append(st.Marks, ChartMark{e.Date, MarkAppraisal, e.Description})
		case e.Type == EventCharge:
			st.Marks = append(st.Marks, ChartMark{e.Date, MarkCharge, e.Description})
		case equity.ShareKind(e.Kind).IsMove():
			st.Marks = append(st.Marks, ChartMark{e.Date, MarkMove, e.Description})
		case equity.ShareKind(e.Kind) == equity.BuyIn:
			st.Marks = append(st.Marks, ChartMark{e.Date, MarkBuyIn, e.Description})
		}
	}
	st.Series, err = s.equitySeries(ctx, memberID, st.Events, today)
	return st, err
}

// statementEvents lists share events, charges, loan changes and the
// appraisals of the sites the member held shares at, oldest first.
func (s *Service) statementEvents(ctx context.Context, p *app.Principal, memberID int64) ([]StatementEvent, error) {
	out, err := s.shareLines(ctx, memberID)
	if err != nil {
		return nil, err
	}
	charges, err := s.chargeLines(ctx, p, memberID)
	if err != nil {
		return nil, err
	}
	out = append(out, charges...)
	since := map[int64]time.Time{} // the first day the member held shares at each site
	for _, e := range out {
		if d, ok := since[e.SiteID]; !ok || e.Date.Before(d) {
			since[e.SiteID] = e.Date
		}
	}
	loans, err := s.loanLines(ctx, memberID)
	if err != nil {
		return nil, err
	}
	out = append(out, loans...)
	for site, from := range since {
		as, err := s.appraisalLines(ctx, site, from)
		if err != nil {
			return nil, err
		}
		out = append(out, as...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out, nil
}

// shareLines are the lines of a member's share events other than charges.
func (s *Service) shareLines(ctx context.Context, memberID int64) ([]StatementEvent, error) {
	var shares []struct {
		equity.ShareEvent
		SiteName string `db:"site_name"`
	}
	if err := s.DB.SelectContext(ctx, &shares, `
		SELECT e.id, e.site_id, e.member_id, e.kind, e.effective_on, e.quantity, e.price, e.value, e.amount, e.entry_id,
		       e.idempotency_key, s.name AS site_name
		FROM share_events e JOIN sites s ON s.id = e.site_id
		WHERE e.member_id = $1 AND e.kind <> 'charge' ORDER BY e.effective_on, e.id`, memberID); err != nil {
		return nil, fmt.Errorf("equity: unable to read the register: %w", err)
	}
	out := make([]StatementEvent, 0, len(shares))
	for _, e := range shares {
		desc := fmt.Sprintf("%s: %s shares at %s", e.Kind.Label(), e.Quantity.Abs().String(), e.Price.StringFixed(equity.PricePlaces))
		out = append(out, StatementEvent{Date: equity.Day(e.EffectiveOn), Type: EventShares, Kind: string(e.Kind), SiteID: e.SiteID, SiteName: e.SiteName,
			Quantity: e.Quantity, Price: e.Price, Value: e.Value, Amount: e.Amount, Description: desc})
	}
	return out, nil
}

// chargeLines are the lines of a member's carrying charges.
func (s *Service) chargeLines(ctx context.Context, p *app.Principal, memberID int64) ([]StatementEvent, error) {
	charges, err := s.Charges.ChargesOfMember(ctx, p, memberID)
	if err != nil {
		return nil, err
	}
	out := make([]StatementEvent, 0, len(charges))
	for _, c := range charges {
		desc := fmt.Sprintf("Carrying charge %s for %s (%d of %d days): principal %s", c.Month.Format("Jan 2006"), c.UnitName,
			c.Days, c.DaysInMonth, equity.FormatMoney(c.Principal))
		out = append(out, StatementEvent{Date: c.PostedOn, Type: EventCharge, Kind: string(equity.Charge), SiteID: c.SiteID, SiteName: c.SiteName,
			Quantity: c.Shares, Price: c.Price, Value: equity.ValueOf(c.Shares, c.Price), Amount: c.Total, Description: desc})
	}
	return out, nil
}

// loanLines are the lines of the changes of a member's share loan.
func (s *Service) loanLines(ctx context.Context, memberID int64) ([]StatementEvent, error) {
	var changes []struct {
		On       time.Time       `db:"changed_on"`
		Delta    decimal.Decimal `db:"delta"`
		Interest decimal.Decimal `db:"interest"`
		SiteID   int64           `db:"site_id"`
		SiteName string          `db:"site_name"`
		Closed   bool            `db:"closed"`
	}
	if err := s.DB.SelectContext(ctx, &changes, `
		SELECT c.changed_on, c.delta, c.interest, c.site_id, s.name AS site_name, c.to_loan_id IS NULL AS closed
		FROM loan_changes c JOIN sites s ON s.id = c.site_id WHERE c.member_id = $1 ORDER BY c.changed_on, c.id`, memberID); err != nil {
		return nil, fmt.Errorf("equity: unable to read loan changes: %w", err)
	}
	out := make([]StatementEvent, 0, len(changes))
	for _, c := range changes {
		desc := "Share loan: " + equity.FormatMoney(c.Delta) + " lent"
		switch {
		case c.Closed:
			desc = "Share loan paid off with " + equity.FormatMoney(c.Delta.Neg())
		case c.Delta.IsNegative():
			desc = "Share loan: " + equity.FormatMoney(c.Delta.Neg()) + " paid down"
		}
		out = append(out, StatementEvent{Date: equity.Day(c.On), Type: EventLoan, SiteID: c.SiteID, SiteName: c.SiteName,
			Amount: c.Delta, Description: desc})
	}
	return out, nil
}

// appraisalLines are the lines of a site's appraisals in effect from a day on.
func (s *Service) appraisalLines(ctx context.Context, site int64, from time.Time) ([]StatementEvent, error) {
	as, err := s.Equity.Appraisals(ctx, site)
	if err != nil {
		return nil, err
	}
	var name string
	if err := s.DB.GetContext(ctx, &name, `SELECT name FROM sites WHERE id = $1`, site); err != nil {
		return nil, fmt.Errorf("equity: unable to read site: %w", err)
	}
	var out []StatementEvent
	for _, a := range as {
		if !a.EffectiveOn.Before(from) {
			out = append(out, StatementEvent{Date: a.EffectiveOn, Type: EventAppraisal, SiteID: site, SiteName: name, Amount: a.Amount,
				Description: fmt.Sprintf("%s appraised at %s", name, equity.FormatMoney(a.Amount))})
		}
	}
	return out, nil
}

// equitySeries values the member's equity on the day of their first event,
// at the end of every month after it, and today.
func (s *Service) equitySeries(ctx context.Context, memberID int64, events []StatementEvent, today time.Time) ([]EquityPoint, error) {
	var moves []struct {
		SiteID   int64           `db:"site_id"`
		On       time.Time       `db:"effective_on"`
		Quantity decimal.Decimal `db:"quantity"`
	}
	if err := s.DB.SelectContext(ctx, &moves, `
		SELECT site_id, effective_on, sum(quantity) AS quantity FROM share_events WHERE member_id = $1
		GROUP BY site_id, effective_on ORDER BY effective_on`, memberID); err != nil {
		return nil, fmt.Errorf("equity: unable to read the register: %w", err)
	}
	first := today
	for _, e := range events {
		if e.Type != EventAppraisal && e.Date.Before(first) {
			first = e.Date
		}
	}
	if len(moves) == 0 && first.Equal(today) {
		return nil, nil
	}
	dates := []time.Time{first}
	for d := equity.MonthOf(first).AddDate(0, 1, -1); d.Before(today); d = equity.MonthOf(d).AddDate(0, 2, -1) {
		if d.After(first) {
			dates = append(dates, d)
		}
	}
	dates = append(dates, today)
	// First what the member held at each site on each day, then the prices
	// of just those days at just those sites.
	type holding struct {
		day int
		qty decimal.Decimal
	}
	bySite := map[int64][]holding{}
	held := map[int64]decimal.Decimal{}
	k := 0
	for i, d := range dates {
		for k < len(moves) && !equity.Day(moves[k].On).After(d) {
			held[moves[k].SiteID] = held[moves[k].SiteID].Add(moves[k].Quantity)
			k++
		}
		for site, q := range held {
			if q.IsPositive() {
				bySite[site] = append(bySite[site], holding{i, q})
			}
		}
	}
	values := make([]decimal.Decimal, len(dates))
	for site, hs := range bySite {
		days := make([]time.Time, len(hs))
		for j, h := range hs {
			days[j] = dates[h.day]
		}
		prices, err := s.Equity.PriceHistory(ctx, site, days)
		if err != nil {
			return nil, err
		}
		for j, h := range hs {
			values[h.day] = values[h.day].Add(equity.ValueOf(h.qty, prices[j]))
		}
	}
	loan, err := s.Equity.AccountHistory(ctx, equity.AccountsOfMember(memberID).ShareLoan, equity.DebitNormal)
	if err != nil {
		return nil, err
	}
	points := make([]EquityPoint, len(dates))
	for i, d := range dates {
		owed := loan.AsOf(d)
		points[i] = EquityPoint{Date: d, SharesValue: values[i], Loan: owed, Net: values[i].Sub(owed)}
	}
	return points, nil
}
