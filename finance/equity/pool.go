package equity

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/shopspring/decimal"

	"hearth/app"
)

// Pool is a site's share pool: whether it is open (has had a policy,
// appraisal or mortgage) and the part of carrying charges that goes to
// reserves.
type Pool struct {
	SiteID     int64           `db:"site_id" json:"site_id"`
	SiteName   string          `db:"site_name" json:"site_name"`
	Timezone   string          `db:"timezone" json:"-"`
	Open       bool            `db:"open" json:"open"`
	ReservePct decimal.Decimal `db:"reserve_pct" json:"reserve_pct"`
}

const selectPools = `
SELECT s.id AS site_id, s.name AS site_name, s.timezone, p.site_id IS NOT NULL AS open, coalesce(p.reserve_pct, 10) AS reserve_pct
FROM sites s LEFT JOIN share_pools p ON p.site_id = s.id`

// Pool returns a site's pool (not open yet when the site has none).
// Errors: site_not_found (404).
func (s *Service) Pool(ctx context.Context, q sqlx.QueryerContext, siteID int64) (Pool, error) {
	var p Pool
	err := sqlx.GetContext(ctx, q, &p, selectPools+` WHERE s.id = $1`, siteID)
	if app.ErrNoRows(err) {
		return p, app.Errorf(app.KindNotFound, "site_not_found", "There is no such site.")
	}
	if err != nil {
		return p, fmt.Errorf("equity: unable to read pool: %w", err)
	}
	return p, nil
}

// Pools lists every site's pool by site name.
func (s *Service) Pools(ctx context.Context, q sqlx.QueryerContext) ([]Pool, error) {
	ps := []Pool{}
	if err := sqlx.SelectContext(ctx, q, &ps, selectPools+` ORDER BY s.name`); err != nil {
		return nil, fmt.Errorf("equity: unable to list pools: %w", err)
	}
	return ps, nil
}

// SetReservePct sets the part of each carrying charge of a site that goes
// to its reserve fund, from the next run of the charges on. Errors:
// site_not_found (404); invalid_percent (422).
func (s *Service) SetReservePct(ctx context.Context, siteID int64, pct decimal.Decimal) (Pool, error) {
	if pct.IsNegative() || pct.GreaterThan(hundred) || !pct.Equal(pct.Round(2)) {
		return Pool{}, app.Unprocessable("invalid_percent", "Enter a percentage between 0 and 100 with at most two decimals.").OnField("reserve_pct")
	}
	err := app.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		if err := s.openPool(ctx, tx, siteID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE share_pools SET reserve_pct = $2 WHERE site_id = $1`, siteID, pct)
		return err
	})
	if err != nil {
		return Pool{}, err
	}
	return s.Pool(ctx, s.DB, siteID)
}

// UnitEquity is a unit of a site with what it asks of its resident.
type UnitEquity struct {
	ID             int64           `db:"id" json:"id"`
	Name           string          `db:"name" json:"name"`
	Bedrooms       int             `db:"bedrooms" json:"bedrooms"`
	MonthlyCharge  decimal.Decimal `db:"monthly_charge" json:"monthly_charge"`
	RequiredEquity decimal.Decimal `db:"required_equity" json:"required_equity"`
	Resident       *string         `db:"resident" json:"resident"` // who lives there today
	ResidentID     *int64          `db:"resident_id" json:"-"`     // and their member id
}

// UnitsOf lists a site's units with their required equity and today's resident.
func (s *Service) UnitsOf(ctx context.Context, q sqlx.QueryerContext, siteID int64) ([]UnitEquity, error) {
	us := []UnitEquity{}
	err := sqlx.SelectContext(ctx, q, &us, `
		SELECT u.id, u.name, u.bedrooms, u.monthly_charge, u.required_equity, t.name AS resident, t.id AS resident_id
		FROM units u
		LEFT JOIN LATERAL (SELECT m.id, m.name FROM residencies_on($2::date) r JOIN members m ON m.id = r.member_id
		                   WHERE r.unit_id = u.id) t ON true
		WHERE u.site_id = $1 ORDER BY u.name`, siteID, sqlDate(s.Today()))
	if err != nil {
		return nil, fmt.Errorf("equity: unable to list units: %w", err)
	}
	return us, nil
}

// SetRequiredEquity sets the equity a unit asks of a new resident; it
// applies to admissions from now on. Errors: unit_not_found (404);
// amount_negative, amount_not_cents (422).
func (s *Service) SetRequiredEquity(ctx context.Context, siteID, unitID int64, amount decimal.Decimal) error {
	if err := checkMoney("required_equity", amount); err != nil {
		return err
	}
	res, err := s.DB.ExecContext(ctx, `UPDATE units SET required_equity = $3 WHERE id = $2 AND site_id = $1`, siteID, unitID, amount)
	if err != nil {
		return fmt.Errorf("equity: unable to set required equity: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return app.Errorf(app.KindNotFound, "unit_not_found", "There is no such unit at this site.").OnField("unit_id")
	}
	return nil
}

// MemberOverview is one line of the treasurer's list of members' equity.
type MemberOverview struct {
	MemberID    int64           `db:"member_id" json:"member_id"`
	Name        string          `db:"name" json:"name"`
	Email       string          `db:"email" json:"email"`
	Sites       string          `db:"sites" json:"sites"`
	SharesValue decimal.Decimal `db:"-" json:"shares_value"`
	LoanBalance decimal.Decimal `db:"-" json:"loan_balance"`
	NetEquity   decimal.Decimal `db:"-" json:"net_equity"`
}

// MembersOverview values every member's shares at today's prices, less
// their share loan, for the treasurer. Errors: those of SharePriceOn.
func (s *Service) MembersOverview(ctx context.Context) ([]MemberOverview, error) {
	var rows []struct {
		MemberID int64           `db:"member_id"`
		SiteID   *int64          `db:"site_id"`
		Quantity decimal.Decimal `db:"quantity"`
	}
	if err := s.DB.SelectContext(ctx, &rows, `
		SELECT m.id AS member_id, h.site_id, coalesce(h.quantity, 0) AS quantity
		FROM members m LEFT JOIN share_holdings h ON h.member_id = m.id AND h.quantity > 0`); err != nil {
		return nil, fmt.Errorf("equity: unable to read holdings: %w", err)
	}
	out := []MemberOverview{}
	if err := s.DB.SelectContext(ctx, &out, `
		SELECT m.id AS member_id, m.name, m.email,
		       coalesce((SELECT string_agg(s.name, ', ' ORDER BY s.name) FROM share_holdings h JOIN sites s ON s.id = h.site_id
		                 WHERE h.member_id = m.id AND h.quantity > 0), '') AS sites
		FROM members m ORDER BY m.name, m.id`); err != nil {
		return nil, fmt.Errorf("equity: unable to list members: %w", err)
	}
	prices := map[int64]decimal.Decimal{}
	value := map[int64]decimal.Decimal{}
	today := s.Today()
	for _, r := range rows {
		if r.SiteID == nil {
			continue
		}
		p, ok := prices[*r.SiteID]
		if !ok {
			pr, err := s.SharePriceOn(ctx, s.DB, *r.SiteID, today)
			if err != nil {
				return nil, err
			}
			p, prices[*r.SiteID] = pr.Price, pr.Price
		}
		value[r.MemberID] = value[r.MemberID].Add(ValueOf(r.Quantity, p))
	}
	for i := range out {
		o := &out[i]
		o.SharesValue = value[o.MemberID]
		loanBal, err := s.balance(ctx, s.DB, AccountsOfMember(o.MemberID).ShareLoan, nil, debitNormal)
		if err != nil {
			return nil, err
		}
		o.LoanBalance, o.NetEquity = loanBal, o.SharesValue.Sub(loanBal)
	}
	return out, nil
}
