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

// balanceHistory is an account's balance at the end of each day it moved,
// in its normal direction.
type balanceHistory struct {
	days []time.Time
	bal  []decimal.Decimal
}

// accountHistory reads an account's whole statement (a missing account has
// an empty history).
func (s *Service) accountHistory(ctx context.Context, code string, sign int64) (balanceHistory, error) {
	var h balanceHistory
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

// asOf is the balance at the end of day d.
func (h balanceHistory) asOf(d time.Time) decimal.Decimal {
	i := sort.Search(len(h.days), func(i int) bool { return h.days[i].After(d) })
	if i == 0 {
		return decimal.Zero
	}
	return h.bal[i-1]
}

// priceHistory prices a site's shares on each of the days given, as
// SharePriceOn would. Errors: those of SharePriceOn.
func (s *Service) priceHistory(ctx context.Context, siteID int64, days []time.Time) ([]decimal.Decimal, error) {
	policies, err := s.policies(ctx, siteID) // latest first
	if err != nil {
		return nil, err
	}
	appraisals, err := s.appraisals(ctx, siteID) // latest first
	if err != nil {
		return nil, err
	}
	points := map[string][]IndexPoint{} // latest first
	for _, p := range policies {
		if p.IndexSeries != nil && points[*p.IndexSeries] == nil {
			if points[*p.IndexSeries], err = s.indexPoints(ctx, *p.IndexSeries); err != nil {
				return nil, err
			}
		}
	}
	var shares []struct {
		On    time.Time       `db:"effective_on"`
		Total decimal.Decimal `db:"total"`
	}
	if err := s.DB.SelectContext(ctx, &shares, `
		SELECT effective_on, sum(sum(quantity)) OVER (ORDER BY effective_on) AS total
		FROM share_events WHERE site_id = $1 GROUP BY effective_on ORDER BY effective_on`, siteID); err != nil {
		return nil, fmt.Errorf("equity: unable to count shares: %w", err)
	}
	acc := AccountsOfSite(siteID)
	var mortgage, paidIn, reserves balanceHistory
	for _, h := range []struct {
		code string
		dst  *balanceHistory
	}{{acc.Mortgage, &mortgage}, {acc.SharesPaidIn, &paidIn}, {acc.Reserves, &reserves}} {
		if *h.dst, err = s.accountHistory(ctx, h.code, creditNormal); err != nil {
			return nil, err
		}
	}
	indexOnDay := func(series string, d time.Time) (IndexPoint, error) {
		for _, pt := range points[series] {
			if !pt.EffectiveOn.After(d) {
				return pt, nil
			}
		}
		return IndexPoint{}, app.Unprocessable("index_missing", "Index series %s has no value in force on %s.", series, sqlDate(d))
	}
	out := make([]decimal.Decimal, len(days))
	for i, d := range days {
		d = Day(d)
		var pol *Policy
		for k := range policies {
			if !policies[k].EffectiveFrom.After(d) {
				pol = &policies[k]
				break
			}
		}
		if pol == nil {
			return nil, app.Unprocessable("no_price_policy", "This site has no share price policy in force on %s.", sqlDate(d))
		}
		switch {
		case pol.Kind == LimitedEquity && pol.YearlyRatePct != nil:
			out[i] = LimitedEquityByRate(pol.BasePrice, *pol.YearlyRatePct, WholeYears(pol.BaseDate, d))
		case pol.Kind == LimitedEquity:
			then, err := indexOnDay(*pol.IndexSeries, pol.BaseDate)
			if err != nil {
				return nil, err
			}
			now, err := indexOnDay(*pol.IndexSeries, d)
			if err != nil {
				return nil, err
			}
			out[i] = LimitedEquityByIndex(pol.BasePrice, then.Value, now.Value)
		default:
			eve := d.AddDate(0, 0, -1)
			var ap *Appraisal
			for k := range appraisals {
				if !appraisals[k].EffectiveOn.After(d) {
					ap = &appraisals[k]
					break
				}
			}
			outstanding := decimal.Zero
			for _, sh := range shares {
				if Day(sh.On).After(eve) {
					break
				}
				outstanding = sh.Total
			}
			debt := mortgage.asOf(eve).Sub(paidIn.asOf(eve))
			if out[i], err = navOrOpening(*pol, d, ap, debt, reserves.asOf(eve), outstanding); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}
