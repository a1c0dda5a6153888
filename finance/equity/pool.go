package equity

import (
	"context"
	"fmt"
	"time"

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

// poolVisibleTo reports whether p may see a site's share pool, given the
// shares p holds there: the site's coordinators and the treasurer, its
// residents, and members holding shares there (who may have moved away).
func poolVisibleTo(p *app.Principal, siteID int64, held decimal.Decimal) bool {
	return p.Coordinates(siteID) || p.LivesAt(siteID) || held.IsPositive()
}

// RequirePoolView refuses p a site's share pool they may not see
// (poolVisibleTo), reading their holding only when it decides. Errors:
// forbidden (403).
func (s *Service) RequirePoolView(ctx context.Context, p *app.Principal, siteID int64) error {
	return s.requirePoolView(ctx, s.DB, p, siteID)
}

func (s *Service) requirePoolView(ctx context.Context, q sqlx.QueryerContext, p *app.Principal, siteID int64) error {
	if poolVisibleTo(p, siteID, decimal.Zero) {
		return nil
	}
	held, err := s.holdingAt(ctx, q, siteID, p.ID)
	if err != nil {
		return err
	}
	if poolVisibleTo(p, siteID, held) {
		return nil
	}
	return app.Forbidden("You can see the share pool of the site you live at or hold shares in.")
}

// CanChangePool reports whether p may change a site's money settings: its
// reserve rate, price policies, mortgages and required equity are the
// treasurer's. (A site's coordinators record its appraisals:
// CanRecordAppraisal.)
func CanChangePool(p *app.Principal) bool { return p.IsAdmin() }

// requirePoolChange refuses p a change of a pool's money settings.
// Errors: forbidden (403).
func requirePoolChange(p *app.Principal) error {
	if !CanChangePool(p) {
		return app.Forbidden("Only the treasurer (an admin) can do that.")
	}
	return nil
}

// PoolTx returns a site's pool (not open yet when the site has none) inside
// the caller's transaction. Errors: site_not_found (404).
func (s *Service) PoolTx(ctx context.Context, tx *sqlx.Tx, siteID int64) (Pool, error) {
	return s.pool(ctx, tx, siteID)
}

func (s *Service) pool(ctx context.Context, q sqlx.QueryerContext, siteID int64) (Pool, error) {
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

// PoolDetail is a share pool with today's price (or why there is none),
// its policies, appraisals and units. (Its page shows its mortgages too:
// loans.PoolDetail.)
type PoolDetail struct {
	Pool       Pool
	Today      time.Time // today at the site
	Price      *Price
	PriceError *app.Error // why there is no price today (422), when there is none
	Policies   []Policy
	Appraisals []Appraisal
	Units      []UnitEquity
}

// PoolDetail returns a site's share pool to whoever may see it
// (poolVisibleTo), with the monthly charges p may see (UnitEquity.ChargeShown).
// Errors: forbidden (403); site_not_found (404).
func (s *Service) PoolDetail(ctx context.Context, p *app.Principal, siteID int64) (PoolDetail, error) {
	var d PoolDetail
	if err := s.requirePoolView(ctx, s.DB, p, siteID); err != nil {
		return d, err
	}
	var err error
	if d.Pool, err = s.pool(ctx, s.DB, siteID); err != nil {
		return d, err
	}
	d.Today = s.todayAt(d.Pool.Timezone)
	if d.Price, d.PriceError, err = s.priceToday(ctx, d.Pool); err != nil {
		return d, err
	}
	if d.Policies, err = s.policies(ctx, siteID); err != nil {
		return d, err
	}
	if d.Appraisals, err = s.appraisals(ctx, siteID); err != nil {
		return d, err
	}
	if d.Units, err = s.unitsOf(ctx, d.Pool); err != nil {
		return d, err
	}
	for i, u := range d.Units {
		d.Units[i].ChargeShown = p.CanSeeChargeOf(siteID, u.ResidentID)
	}
	return d, nil
}

// priceToday returns a pool's share price on the site's today, or the
// reason (422) it has none.
func (s *Service) priceToday(ctx context.Context, pool Pool) (*Price, *app.Error, error) {
	pr, err := s.sharePriceOn(ctx, s.DB, pool.SiteID, s.todayAt(pool.Timezone))
	if e, ok := app.AsError(err); ok && e.Kind == app.KindUnprocessable {
		return nil, e, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return &pr, nil, nil
}

// PoolSummary is a line of the list of pools: a pool and, when it is open,
// today's price or why it has none.
type PoolSummary struct {
	Pool
	Price      *Price
	PriceError string
}

// Pools lists the share pools p may see (poolVisibleTo), by site name.
func (s *Service) Pools(ctx context.Context, p *app.Principal) ([]PoolSummary, error) {
	var ps []Pool
	if err := s.DB.SelectContext(ctx, &ps, selectPools+` ORDER BY s.name`); err != nil {
		return nil, fmt.Errorf("equity: unable to list pools: %w", err)
	}
	held, err := s.heldSites(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	var out []PoolSummary
	for _, pool := range ps {
		if !poolVisibleTo(p, pool.SiteID, held[pool.SiteID]) {
			continue
		}
		row := PoolSummary{Pool: pool}
		if pool.Open {
			pr, e, err := s.priceToday(ctx, pool)
			if err != nil {
				return nil, err
			}
			row.Price = pr
			if e != nil {
				row.PriceError = e.Message
			}
		}
		out = append(out, row)
	}
	return out, nil
}

// heldSites returns the shares a member holds at each site where they hold any.
func (s *Service) heldSites(ctx context.Context, memberID int64) (map[int64]decimal.Decimal, error) {
	var rows []struct {
		SiteID   int64           `db:"site_id"`
		Quantity decimal.Decimal `db:"quantity"`
	}
	if err := s.DB.SelectContext(ctx, &rows, `SELECT site_id, quantity FROM share_holdings WHERE member_id = $1 AND quantity > 0`, memberID); err != nil {
		return nil, fmt.Errorf("equity: unable to read holdings: %w", err)
	}
	held := make(map[int64]decimal.Decimal, len(rows))
	for _, r := range rows {
		held[r.SiteID] = r.Quantity
	}
	return held, nil
}

// SetReservePct sets the part of each carrying charge of a site that goes
// to its reserve fund, from the next run of the charges on (the treasurer).
// Errors: forbidden (403); site_not_found (404); invalid_percent (422).
func (s *Service) SetReservePct(ctx context.Context, p *app.Principal, siteID int64, pct decimal.Decimal) (Pool, error) {
	if err := requirePoolChange(p); err != nil {
		return Pool{}, err
	}
	if pct.IsNegative() || pct.GreaterThan(hundred) || !pct.Equal(pct.Round(2)) {
		return Pool{}, app.Unprocessable("invalid_percent", "Enter a percentage between 0 and 100 with at most two decimals.").OnField("reserve_pct")
	}
	err := app.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		if err := s.OpenPoolTx(ctx, tx, siteID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE share_pools SET reserve_pct = $2 WHERE site_id = $1`, siteID, pct)
		return err
	})
	if err != nil {
		return Pool{}, err
	}
	return s.pool(ctx, s.DB, siteID)
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
	// ChargeShown says whether the asker may see MonthlyCharge
	// (Principal.CanSeeChargeOf): what a neighbour pays is their money.
	ChargeShown bool `db:"-" json:"-"`
}

// unitsOf lists a pool's units with their required equity and the
// resident of the site's today.
func (s *Service) unitsOf(ctx context.Context, pool Pool) ([]UnitEquity, error) {
	us := []UnitEquity{}
	err := s.DB.SelectContext(ctx, &us, `
		SELECT u.id, u.name, u.bedrooms, u.monthly_charge, u.required_equity, t.name AS resident, t.id AS resident_id
		FROM units u
		LEFT JOIN LATERAL (SELECT m.id, m.name FROM residencies_on($2::date) r JOIN members m ON m.id = r.member_id
		                   WHERE r.unit_id = u.id) t ON true
		WHERE u.site_id = $1 ORDER BY u.name`, pool.SiteID, SQLDate(s.todayAt(pool.Timezone)))
	if err != nil {
		return nil, fmt.Errorf("equity: unable to list units: %w", err)
	}
	return us, nil
}

// SetRequiredEquity sets the equity a unit asks of a new resident; it
// applies to admissions from now on (the treasurer). Errors: forbidden
// (403); unit_not_found (404); amount_negative, amount_not_cents (422).
func (s *Service) SetRequiredEquity(ctx context.Context, p *app.Principal, siteID, unitID int64, amount decimal.Decimal) error {
	if err := requirePoolChange(p); err != nil {
		return err
	}
	if err := CheckMoney("required_equity", amount); err != nil {
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

// MembersOverview values every member's shares at today's prices (today
// at each site), less
// their share loan, for the treasurer. Errors: forbidden (403), and those
// of SharePriceOn.
func (s *Service) MembersOverview(ctx context.Context, p *app.Principal) ([]MemberOverview, error) {
	if err := p.RequireAdmin(); err != nil {
		return nil, err
	}
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
	for _, r := range rows {
		if r.SiteID == nil {
			continue
		}
		p, ok := prices[*r.SiteID]
		if !ok {
			today, err := s.SiteToday(ctx, *r.SiteID)
			if err != nil {
				return nil, err
			}
			pr, err := s.sharePriceOn(ctx, s.DB, *r.SiteID, today)
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
		loanBal, err := s.balance(ctx, s.DB, AccountsOfMember(o.MemberID).ShareLoan, nil, DebitNormal)
		if err != nil {
			return nil, err
		}
		o.LoanBalance, o.NetEquity = loanBal, o.SharesValue.Sub(loanBal)
	}
	return out, nil
}
