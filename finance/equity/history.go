package equity

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"hearth/app"
	"hearth/finance/ledger"
)

// A statement values a member's shares on many days. Asking SharePriceOn
// for each day costs a handful of queries a day; priceHistory reads each
// input's whole history once and applies the same rules, so ten years of
// month ends cost a few queries. TestPriceHistoryMatchesSharePriceOn keeps
// the two in step.

// BalanceHistory is an account's balance at the end of each day it moved,
// in its normal direction.
type BalanceHistory struct {
	days []time.Time
	bal  []decimal.Decimal
}

// AccountHistory reads an account's whole statement (a missing account has
// an empty history).
func (s *Service) AccountHistory(ctx context.Context, code string, sign int64) (BalanceHistory, error) {
	var h BalanceHistory
	_, err := s.Ledger.EachStatementLine(ctx, code, ledger.Period{}, func(l ledger.StatementLine) error {
		b := l.Balance.Mul(decimal.NewFromInt(sign))
		if n := len(h.days); n > 0 && h.days[n-1].Equal(l.EffectiveDate) {
			h.bal[n-1] = b
			return nil
		}
		h.days, h.bal = append(h.days, l.EffectiveDate), append(h.bal, b)
		return nil
	})
	if app.ErrorKind(err) == app.KindNotFound {
		return h, nil
	}
	return h, err
}

// AsOf is the balance at the end of day d.
func (h BalanceHistory) AsOf(d time.Time) decimal.Decimal {
	i := sort.Search(len(h.days), func(i int) bool { return h.days[i].After(d) })
	if i == 0 {
		return decimal.Zero
	}
	return h.bal[i-1]
}

// PriceHistory prices a site's shares on each of the days given, as
// SharePrice would (for a member's statement, whose caller decides who may
// see it). Errors: those of SharePrice.
func (s *Service) PriceHistory(ctx context.Context, siteID int64, days []time.Time) ([]decimal.Decimal, error) {
	h, err := s.readSiteHistory(ctx, siteID)
	if err != nil {
		return nil, err
	}
	out := make([]decimal.Decimal, len(days))
	for i, d := range days {
		if out[i], err = h.priceOn(Day(d)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// siteHistory is every input of a site's price, over all time.
type siteHistory struct {
	policies                   []Policy                // latest first
	appraisals                 []Appraisal             // latest first
	points                     map[string][]IndexPoint // by series, latest first
	shares                     []sharesOutstanding     // oldest first
	mortgage, paidIn, reserves BalanceHistory
}

// sharesOutstanding is the number of a site's shares at the end of a day
// on which it changed.
type sharesOutstanding struct {
	On    time.Time       `db:"effective_on"`
	Total decimal.Decimal `db:"total"`
}

// readSiteHistory reads the whole history of a site's price inputs, a few
// queries in all.
func (s *Service) readSiteHistory(ctx context.Context, siteID int64) (siteHistory, error) {
	h := siteHistory{points: map[string][]IndexPoint{}}
	var err error
	if h.policies, err = s.policies(ctx, siteID); err != nil {
		return h, err
	}
	if h.appraisals, err = s.appraisals(ctx, siteID); err != nil {
		return h, err
	}
	for _, p := range h.policies {
		if p.IndexSeries != nil && h.points[*p.IndexSeries] == nil {
			if h.points[*p.IndexSeries], err = s.indexPoints(ctx, *p.IndexSeries); err != nil {
				return h, err
			}
		}
	}
	if err := s.DB.SelectContext(ctx, &h.shares, `
		SELECT effective_on, sum(sum(quantity)) OVER (ORDER BY effective_on) AS total
		FROM share_events WHERE site_id = $1 GROUP BY effective_on ORDER BY effective_on`, siteID); err != nil {
		return h, fmt.Errorf("equity: unable to count shares: %w", err)
	}
	acc := AccountsOfSite(siteID)
	for _, b := range []struct {
		code string
		dst  *BalanceHistory
	}{{acc.Mortgage, &h.mortgage}, {acc.SharesPaidIn, &h.paidIn}, {acc.Reserves, &h.reserves}} {
		if *b.dst, err = s.AccountHistory(ctx, b.code, CreditNormal); err != nil {
			return h, err
		}
	}
	return h, nil
}

// priceOn is the price of day d by the policy in force on it. Errors:
// no_price_policy, index_missing, price_not_positive (422).
func (h siteHistory) priceOn(d time.Time) (decimal.Decimal, error) {
	var pol *Policy
	for k := range h.policies {
		if !h.policies[k].EffectiveFrom.After(d) {
			pol = &h.policies[k]
			break
		}
	}
	if pol == nil {
		return decimal.Zero, app.Unprocessable("no_price_policy", "This site has no share price policy in force on %s.", SQLDate(d))
	}
	switch {
	case pol.Kind == LimitedEquity && pol.YearlyRatePct != nil:
		return LimitedEquityByRate(pol.BasePrice, *pol.YearlyRatePct, WholeYears(pol.BaseDate, d)), nil
	case pol.Kind == LimitedEquity:
		then, err := h.indexOn(*pol.IndexSeries, pol.BaseDate)
		if err != nil {
			return decimal.Zero, err
		}
		now, err := h.indexOn(*pol.IndexSeries, d)
		if err != nil {
			return decimal.Zero, err
		}
		return LimitedEquityByIndex(pol.BasePrice, then.Value, now.Value), nil
	}
	eve := d.AddDate(0, 0, -1)
	var ap *Appraisal
	for k := range h.appraisals {
		if !h.appraisals[k].EffectiveOn.After(d) {
			ap = &h.appraisals[k]
			break
		}
	}
	outstanding := decimal.Zero
	for _, sh := range h.shares {
		if Day(sh.On).After(eve) {
			break
		}
		outstanding = sh.Total
	}
	debt := h.mortgage.AsOf(eve).Sub(h.paidIn.AsOf(eve))
	return navOrOpening(*pol, d, ap, debt, h.reserves.AsOf(eve), outstanding)
}

// indexOn is the value of an index series in force on day d. Errors:
// index_missing (422).
func (h siteHistory) indexOn(series string, d time.Time) (IndexPoint, error) {
	for _, pt := range h.points[series] {
		if !pt.EffectiveOn.After(d) {
			return pt, nil
		}
	}
	return IndexPoint{}, app.Unprocessable("index_missing", "Index series %s has no value in force on %s.", series, SQLDate(d))
}
