package web

import (
	"regexp"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"hearth/app"
	"hearth/finance/equity"
	"hearth/finance/equity/charges"
	"hearth/finance/equity/loans"
	"hearth/finance/equity/statement"
	"hearth/housing/membership"
)

// The JSON forms of the equity area. Money is a string with two decimals,
// prices and share quantities strings with six, dates YYYY-MM-DD and
// instants RFC 3339.

var equityDecimalPattern = regexp.MustCompile(`^-?[0-9]{1,15}(\.[0-9]{1,12})?$`)

// formDecimal reads a decimal written as a plain string ("1250.00").
// Errors: invalid_number (422) on the field.
func formDecimal(field, s string) (decimal.Decimal, error) {
	s = strings.TrimSpace(s)
	if !equityDecimalPattern.MatchString(s) {
		return decimal.Zero, app.Unprocessable("invalid_number", "Write a number such as 1250.00.").OnField(field)
	}
	return decimal.RequireFromString(s), nil
}

// formOptionalDecimal reads a decimal that may be left out ("" or nil).
func formOptionalDecimal(field string, s *string) (*decimal.Decimal, error) {
	if s == nil || strings.TrimSpace(*s) == "" {
		return nil, nil
	}
	d, err := formDecimal(field, *s)
	return &d, err
}

// formDate reads a YYYY-MM-DD date; "" gives the zero time. Errors:
// invalid_date (422) on the field.
func formDate(field, s string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, nil
	}
	return parseDay(field, s)
}

func dayText(t time.Time) string { return t.Format(time.DateOnly) }

func optDayText(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := dayText(*t)
	return &s
}

func moneyText(d decimal.Decimal) string  { return d.StringFixed(equity.MoneyPlaces) }
func priceText(d decimal.Decimal) string  { return d.StringFixed(equity.PricePlaces) }
func sharesText(d decimal.Decimal) string { return d.StringFixed(equity.QuantityPlaces) }

type policyJSON struct {
	ID            int64   `json:"id"`
	EffectiveFrom string  `json:"effective_from"`
	Kind          string  `json:"kind"`
	BasePrice     string  `json:"base_price"`
	BaseDate      string  `json:"base_date"`
	YearlyRatePct *string `json:"yearly_rate_pct"`
	IndexSeries   *string `json:"index_series"`
	Note          string  `json:"note"`
}

func policyView(p equity.Policy) policyJSON {
	v := policyJSON{ID: p.ID, EffectiveFrom: dayText(p.EffectiveFrom), Kind: string(p.Kind), BasePrice: priceText(p.BasePrice),
		BaseDate: dayText(p.BaseDate), IndexSeries: p.IndexSeries, Note: p.Note}
	if p.YearlyRatePct != nil {
		r := p.YearlyRatePct.String()
		v.YearlyRatePct = &r
	}
	return v
}

type appraisalJSON struct {
	ID          int64  `json:"id"`
	AppraisedOn string `json:"appraised_on"`
	EffectiveOn string `json:"effective_on"`
	Amount      string `json:"amount"`
	Appraiser   string `json:"appraiser"`
	Note        string `json:"note"`
}

func appraisalView(a equity.Appraisal) appraisalJSON {
	return appraisalJSON{ID: a.ID, AppraisedOn: dayText(a.AppraisedOn), EffectiveOn: dayText(a.EffectiveOn),
		Amount: moneyText(a.Amount), Appraiser: a.Appraiser, Note: a.Note}
}

type priceJSON struct {
	SiteID  int64               `json:"site_id"`
	On      string              `json:"on"`
	Price   string              `json:"price"`
	Policy  policyJSON          `json:"policy"`
	Formula string              `json:"formula"`
	Inputs  []equity.PriceInput `json:"inputs"`
}

func priceView(p equity.Price) priceJSON {
	return priceJSON{SiteID: p.SiteID, On: dayText(p.On), Price: priceText(p.Price), Policy: policyView(p.Policy),
		Formula: p.Formula, Inputs: p.Inputs}
}

type loanJSON struct {
	ID             int64   `json:"id"`
	Kind           string  `json:"kind"`
	SiteID         int64   `json:"site_id"`
	MemberID       *int64  `json:"member_id"`
	Lender         string  `json:"lender"`
	Principal      string  `json:"principal"`
	YearlyRatePct  string  `json:"yearly_rate_pct"`
	Months         int     `json:"months"`
	StartsOn       string  `json:"starts_on"`
	ClosedOn       *string `json:"closed_on"`
	ReplacesLoanID *int64  `json:"replaces_loan_id"`
	MonthlyPayment string  `json:"monthly_payment"`
	APR            string  `json:"apr"`
	PaidPeriods    int     `json:"paid_periods"`
	Balance        string  `json:"balance"`
}

func loanView(l loans.Loan) loanJSON {
	apr, _ := l.APR()
	return loanJSON{ID: l.ID, Kind: string(l.Kind), SiteID: l.SiteID, MemberID: l.MemberID, Lender: l.Lender,
		Principal: moneyText(l.Principal), YearlyRatePct: l.YearlyRatePct.String(), Months: l.Months, StartsOn: dayText(l.StartsOn),
		ClosedOn: optDayText(l.ClosedOn), ReplacesLoanID: l.ReplacesLoanID, MonthlyPayment: moneyText(l.MonthlyPayment()),
		APR: apr.StringFixed(2), PaidPeriods: l.PaidPeriods, Balance: moneyText(l.Balance())}
}

type settingsJSON struct {
	LoanToValuePct   string `json:"loan_to_value_pct"`
	ShareLoanRatePct string `json:"share_loan_rate_pct"`
	ShareLoanMonths  int    `json:"share_loan_months"`
	TransferFeePct   string `json:"transfer_fee_pct"`
}

func settingsView(st equity.Settings) settingsJSON {
	return settingsJSON{LoanToValuePct: st.LoanToValuePct.String(), ShareLoanRatePct: st.ShareLoanRatePct.String(),
		ShareLoanMonths: st.ShareLoanMonths, TransferFeePct: st.TransferFeePct.String()}
}

type holdingJSON struct {
	SiteID   int64  `json:"site_id"`
	SiteName string `json:"site_name"`
	Quantity string `json:"quantity"`
	Price    string `json:"price"`
	Value    string `json:"value"`
	Formula  string `json:"formula"`
}

type eventJSON struct {
	Date        string `json:"date"`
	Type        string `json:"type"`
	Kind        string `json:"kind,omitempty"`
	SiteID      int64  `json:"site_id,omitempty"`
	SiteName    string `json:"site_name,omitempty"`
	Quantity    string `json:"quantity"`
	Price       string `json:"price"`
	Value       string `json:"value"`
	Amount      string `json:"amount"`
	Description string `json:"description"`
}

type pointJSON struct {
	Date        string `json:"date"`
	SharesValue string `json:"shares_value"`
	Loan        string `json:"loan"`
	Net         string `json:"net"`
}

type statementJSON struct {
	MemberID       int64         `json:"member_id"`
	MemberName     string        `json:"member_name"`
	On             string        `json:"on"`
	Holdings       []holdingJSON `json:"holdings"`
	SharesValue    string        `json:"shares_value"`
	LoanBalance    string        `json:"loan_balance"`
	AccountBalance string        `json:"account_balance"`
	NetEquity      string        `json:"net_equity"`
	ShareLoan      *loanJSON     `json:"share_loan"`
	Events         []eventJSON   `json:"events"`
	Series         []pointJSON   `json:"series"`
}

func statementView(st statement.Statement) statementJSON {
	v := statementJSON{MemberID: st.MemberID, MemberName: st.MemberName, On: dayText(st.On), SharesValue: moneyText(st.SharesValue),
		LoanBalance: moneyText(st.LoanBalance), AccountBalance: moneyText(st.AccountBalance), NetEquity: moneyText(st.NetEquity),
		Holdings: []holdingJSON{}, Events: []eventJSON{}, Series: []pointJSON{}}
	for _, h := range st.Holdings {
		v.Holdings = append(v.Holdings, holdingJSON{SiteID: h.SiteID, SiteName: h.SiteName, Quantity: sharesText(h.Quantity),
			Price: priceText(h.Price.Price), Value: moneyText(h.Value), Formula: h.Price.Formula})
	}
	if st.Loan != nil {
		l := loanView(*st.Loan)
		v.ShareLoan = &l
	}
	for _, e := range st.Events {
		v.Events = append(v.Events, eventJSON{Date: dayText(e.Date), Type: string(e.Type), Kind: e.Kind, SiteID: e.SiteID, SiteName: e.SiteName,
			Quantity: sharesText(e.Quantity), Price: priceText(e.Price), Value: moneyText(e.Value), Amount: moneyText(e.Amount), Description: e.Description})
	}
	for _, p := range st.Series {
		v.Series = append(v.Series, pointJSON{Date: dayText(p.Date), SharesValue: moneyText(p.SharesValue), Loan: moneyText(p.Loan), Net: moneyText(p.Net)})
	}
	return v
}

type chargeJSON struct {
	ID          int64  `json:"id"`
	SiteID      int64  `json:"site_id"`
	SiteName    string `json:"site_name"`
	UnitID      int64  `json:"unit_id"`
	UnitName    string `json:"unit_name"`
	MemberID    int64  `json:"member_id"`
	MemberName  string `json:"member_name"`
	Month       string `json:"month"`
	Days        int    `json:"days"`
	DaysInMonth int    `json:"days_in_month"`
	Monthly     string `json:"monthly_charge"`
	Total       string `json:"total"`
	Operating   string `json:"operating"`
	Reserves    string `json:"reserves"`
	Interest    string `json:"mortgage_interest"`
	Principal   string `json:"mortgage_principal"`
	Shares      string `json:"shares"`
	Price       string `json:"price"`
	PostedOn    string `json:"posted_on"`
}

func chargeViews(cs []charges.UnitCharge) []chargeJSON {
	out := make([]chargeJSON, len(cs))
	for i, c := range cs {
		out[i] = chargeJSON{ID: c.ID, SiteID: c.SiteID, SiteName: c.SiteName, UnitID: c.UnitID, UnitName: c.UnitName, MemberID: c.MemberID,
			MemberName: c.MemberName, Month: c.Month.Format("2006-01"), Days: c.Days, DaysInMonth: c.DaysInMonth, Monthly: moneyText(c.Monthly),
			Total: moneyText(c.Total), Operating: moneyText(c.Operating), Reserves: moneyText(c.Reserves), Interest: moneyText(c.Interest),
			Principal: moneyText(c.Principal), Shares: sharesText(c.Shares), Price: priceText(c.Price), PostedOn: dayText(c.PostedOn)}
	}
	return out
}

type admissionJSON struct {
	ID             int64   `json:"id"`
	SiteID         int64   `json:"site_id"`
	UnitID         int64   `json:"unit_id"`
	MemberID       int64   `json:"member_id"`
	ResidencyID    int64   `json:"residency_id"`
	AdmittedOn     string  `json:"admitted_on"`
	Price          string  `json:"price"`
	Quantity       string  `json:"quantity"`
	RequiredEquity string  `json:"required_equity"`
	Cash           string  `json:"cash"`
	Loan           string  `json:"loan"`
	LoanID         *int64  `json:"loan_id"`
	MemberName     *string `json:"member_name,omitempty"`
	UnitName       *string `json:"unit_name,omitempty"`
}

func admissionView(a membership.Admission) admissionJSON {
	return admissionJSON{ID: a.ID, SiteID: a.SiteID, UnitID: a.UnitID, MemberID: a.MemberID, ResidencyID: a.ResidencyID,
		AdmittedOn: dayText(a.AdmittedOn), Price: priceText(a.Price), Quantity: sharesText(a.Quantity),
		RequiredEquity: moneyText(a.RequiredEquity), Cash: moneyText(a.Cash), Loan: moneyText(a.Loan), LoanID: a.LoanID}
}
