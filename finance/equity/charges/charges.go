// Package charges runs the monthly carrying charges: each month, every
// residency at a site with a share pool is charged its unit's part of the
// site mortgage's installment, reserves and operating costs; the principal
// part buys the resident shares (finance/equity), and the run posts the
// installments of the mortgages and share loans (finance/equity/loans).
package charges

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/shopspring/decimal"
	"golang.org/x/sync/errgroup"

	"hearth/app"
	"hearth/finance/equity"
	"hearth/finance/equity/loans"
	"hearth/finance/ledger"
	"hearth/finance/loan"
)

// Service is the monthly charges, on the equity service's pools and share
// register and the loans service's mortgages and share loans.
type Service struct {
	DB     *sqlx.DB
	Ledger *ledger.Ledger
	Equity *equity.Service
	Loans  *loans.Service
}

// New returns the charges service on the equity and loans services.
func New(eq *equity.Service, ln *loans.Service) *Service {
	return &Service{DB: eq.DB, Ledger: eq.Ledger, Equity: eq, Loans: ln}
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

var hundred = decimal.NewFromInt(100)

// ParseMonth reads a month written YYYY-MM and returns its first day.
// Errors: invalid_month (422).
func ParseMonth(s string) (time.Time, error) {
	t, err := time.Parse("2006-01", strings.TrimSpace(s))
	if err != nil || t.Year() < 1900 || t.Year() > 2999 {
		return time.Time{}, app.Unprocessable("invalid_month", "Write the month as YYYY-MM, such as 2027-01.").OnField("month")
	}
	return t, nil
}

// DaysIn returns the number of days of the month starting on month.
func DaysIn(month time.Time) int { return month.AddDate(0, 1, -1).Day() }

// ChargeSplit is a carrying charge and its parts: the unit's share of the
// site mortgage's interest and principal for the month, the reserve fund's
// part and the operating part. The parts add up to Total.
type ChargeSplit struct {
	Total     decimal.Decimal `json:"total"`
	Operating decimal.Decimal `json:"operating"`
	Reserves  decimal.Decimal `json:"reserves"`
	Interest  decimal.Decimal `json:"interest"`
	Principal decimal.Decimal `json:"principal"`
}

// UnitWeight is a unit of a site and its full monthly charge, which is also
// its weight in the split of the site's mortgage installment.
type UnitWeight struct {
	UnitID        int64           `db:"id"`
	Name          string          `db:"name"`
	MonthlyCharge decimal.Decimal `db:"monthly_charge"`
}

// SplitSiteCharges splits the full monthly charge of every unit of a site:
//
//   - the installment's interest and its principal are each split over all
//     the site's units, occupied or not, by charge weight (monthly charge
//     over the site's total) with SplitCents, so the parts add up to the
//     installment exactly (the cooperative carries a vacant unit's part);
//   - reserves = equity.RoundMoney(monthly charge × reservePct / 100);
//   - operating = monthly charge − interest − principal − reserves.
//
// Errors: charge_too_low (422) when a unit's charge does not cover its part
// of the mortgage and reserves, or no unit has a charge to carry a mortgage.
func SplitSiteCharges(units []UnitWeight, interest, principal, reservePct decimal.Decimal) (map[int64]ChargeSplit, error) {
	weights := make([]decimal.Decimal, len(units))
	for i, u := range units {
		weights[i] = u.MonthlyCharge
	}
	is, ps := equity.SplitCents(interest, weights), equity.SplitCents(principal, weights)
	out := make(map[int64]ChargeSplit, len(units))
	carried := decimal.Zero
	for i, u := range units {
		m := u.MonthlyCharge
		reserves := equity.RoundMoney(m.Mul(reservePct).Div(hundred))
		operating := m.Sub(is[i]).Sub(ps[i]).Sub(reserves)
		if operating.IsNegative() {
			return nil, app.Unprocessable("charge_too_low",
				"Unit %s is charged %s a month, less than its part of the mortgage (%s) and reserves (%s): raise its monthly charge or lower the reserve rate.",
				u.Name, equity.FormatMoney(m), equity.FormatMoney(is[i].Add(ps[i])), equity.FormatMoney(reserves))
		}
		carried = carried.Add(is[i]).Add(ps[i])
		out[u.UnitID] = ChargeSplit{Total: m, Operating: operating, Reserves: reserves, Interest: is[i], Principal: ps[i]}
	}
	if !carried.Equal(interest.Add(principal)) {
		return nil, app.Unprocessable("charge_too_low", "No unit of the site has a monthly charge to carry the mortgage installment of %s.", equity.FormatMoney(interest.Add(principal)))
	}
	return out, nil
}

// Prorate returns the charge of days of a month of daysInMonth days:
// total = equity.RoundMoney(full total × days / daysInMonth), split into the four
// parts in proportion to the full month's parts with SplitCents, so the parts
// still add up to the total and none is negative. A whole month is the full
// split unchanged.
func Prorate(full ChargeSplit, days, daysInMonth int) ChargeSplit {
	if days >= daysInMonth {
		return full
	}
	total := full.Total.Mul(decimal.NewFromInt(int64(days))).DivRound(decimal.NewFromInt(int64(daysInMonth)), equity.MoneyPlaces)
	p := equity.SplitCents(total, []decimal.Decimal{full.Interest, full.Principal, full.Reserves, full.Operating})
	return ChargeSplit{Total: total, Interest: p[0], Principal: p[1], Reserves: p[2], Operating: p[3]}
}

// ChargeRun is the report of a run of the monthly charges.
type ChargeRun struct {
	ID           int64               `json:"id"`
	Month        time.Time           `json:"month"`
	RunOn        time.Time           `json:"run_on"`
	Posted       int                 `json:"posted"`  // residency charges posted by this run
	Skipped      int                 `json:"skipped"` // already charged by an earlier run
	Total        decimal.Decimal     `json:"total"`   // of the charges this run posted
	Installments int                 `json:"installments"`
	Sites        []SiteChargeSummary `json:"sites"`
	NoPool       []string            `json:"sites_without_pool"` // occupied sites that have no share pool and were not charged
	Duration     time.Duration       `json:"-"`
}

// SiteChargeSummary is one site's part of a run.
type SiteChargeSummary struct {
	SiteID    int64           `json:"site_id"`
	SiteName  string          `json:"site_name"`
	Price     decimal.Decimal `json:"price"` // the share price the principal parts bought at (zero when none did)
	Posted    int             `json:"posted"`
	Skipped   int             `json:"skipped"`
	Total     decimal.Decimal `json:"total"`
	Principal decimal.Decimal `json:"principal"`
	Shares    decimal.Decimal `json:"shares"`
}

// occupancy is one residency's days in the month.
type occupancy struct {
	ResidencyID int64 `db:"residency_id"`
	SiteID      int64 `db:"site_id"`
	UnitID      int64 `db:"unit_id"`
	MemberID    int64 `db:"member_id"`
	Days        int   `db:"days"`
}

// chargeWorkers is how many sites a run charges at once, each in its own
// transaction: enough to keep the database busy while one waits on the
// network, few enough not to crowd a small server.
const chargeWorkers = 4

// chargesPerEntry bounds the residencies one ledger entry charges, well
// under the ledger's 1,000 postings an entry. Posting one entry per site
// rather than one per residency is what makes a run of ten thousand units
// quick: the ledger's cost is mostly per entry.
const chargesPerEntry = 900

// sitePlan is what a run will post for one site.
type sitePlan struct {
	SiteID     int64
	SiteName   string
	ReservePct decimal.Decimal
	Units      []UnitWeight
	Mortgage   *loans.Loan
	Due        *loan.Installment // the mortgage installment due in the month
	Splits     map[int64]ChargeSplit
	Residents  []occupancy
}

// RunCharges posts the carrying charges of a month for every residency at a
// site with a share pool, each site in a transaction of its own, dated today
// (the run day): see SplitSiteCharges and Prorate for the amounts. The
// principal part of each charge buys shares for the resident at the run
// day's price. Before the charges it posts each site mortgage's installments
// due up to the month's end, and after them each open share loan's, billed
// to its member. A residency already charged for the month is skipped, so a
// second run of a month posts nothing and says so.
//
// A month can be charged from its last day on. Every split is checked before
// anything is written.
//
// Errors: forbidden (403) unless p may run them (CanRunCharges);
// invalid_month, month_not_over, charge_too_low (422), and those of
// SharePriceOn.
func (s *Service) RunCharges(ctx context.Context, p *app.Principal, month time.Time) (ChargeRun, error) {
	if !CanRunCharges(p) {
		return ChargeRun{}, app.Forbidden("Only the treasurer (an admin) can do that.")
	}
	return s.runCharges(ctx, chargeRunner{db: s.DB}, month, &p.ID)
}

// CanRunCharges reports whether p may run the monthly charges and see them:
// they are the treasurer's books. (A member sees their own charges:
// ChargesOfMember.)
func CanRunCharges(p *app.Principal) bool { return p.IsAdmin() }

// requireCharges refuses p the charge runs. Errors: forbidden (403).
func requireCharges(p *app.Principal) error {
	if !CanRunCharges(p) {
		return app.Forbidden("Only the treasurer (an admin) can do that.")
	}
	return nil
}

// RunScheduledCharges is RunCharges run by no one: the command line, which
// an operator or a scheduler starts on the server.
func (s *Service) RunScheduledCharges(ctx context.Context, month time.Time) (ChargeRun, error) {
	return s.runCharges(ctx, chargeRunner{db: s.DB}, month, nil)
}

// RunChargesTx is RunCharges inside the caller's transaction, all sites at
// once (the demo seed replays a year of runs in its one transaction).
func (s *Service) RunChargesTx(ctx context.Context, tx *sqlx.Tx, month time.Time, by *int64) (ChargeRun, error) {
	return s.runCharges(ctx, chargeRunner{tx: tx}, month, by)
}

// chargeRunner runs the writes of a charge run: each in a transaction of
// its own (db), or all in the caller's (tx).
type chargeRunner struct {
	db *sqlx.DB
	tx *sqlx.Tx
}

func (r chargeRunner) q() sqlx.ExtContext {
	if r.tx != nil {
		return r.tx
	}
	return r.db
}

// inTx runs fn in the caller's transaction, or in one of its own retried
// when PostgreSQL reports a deadlock or serialization failure (every write
// of a run is idempotent, so a retry posts only what is missing).
func (r chargeRunner) inTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	if r.tx != nil {
		return fn(r.tx)
	}
	var err error
	for attempt := 1; attempt <= 5; attempt++ {
		if err = app.InTx(ctx, r.db, fn); err == nil || !app.IsRetryable(err) {
			break
		}
	}
	return err
}

func (s *Service) runCharges(ctx context.Context, r chargeRunner, month time.Time, by *int64) (ChargeRun, error) {
	started := time.Now()
	month = equity.MonthOf(month)
	today := s.Equity.Today()
	run := ChargeRun{Month: month, RunOn: today, Total: decimal.Zero}
	last := month.AddDate(0, 1, -1)
	if last.After(today) {
		return run, app.Unprocessable("month_not_over",
			"%s can be charged from its last day, %s, on.", month.Format("January 2006"), equity.SQLDate(last)).OnField("month")
	}
	plans, noPool, err := s.planCharges(ctx, r, month)
	if err != nil {
		return run, err
	}
	run.NoPool = noPool
	if err := sqlx.GetContext(ctx, r.q(), &run.ID, `
		INSERT INTO charge_runs (month, run_by, posted, skipped, total, duration_ms) VALUES ($1::date, $2, 0, 0, 0, 0) RETURNING id`,
		equity.SQLDate(month), by); err != nil {
		return run, fmt.Errorf("equity: unable to start the run: %w", err)
	}
	defer func() {
		// The record says what was done, also when a site failed half way.
		run.Duration = time.Since(started)
		r.q().ExecContext(context.WithoutCancel(ctx), `UPDATE charge_runs SET posted = $2, skipped = $3, total = $4, duration_ms = $5 WHERE id = $1`,
			run.ID, run.Posted, run.Skipped, run.Total, run.Duration.Milliseconds())
	}()
	// Sites are independent: with transactions of their own, a few are
	// charged at a time.
	results := make([]SiteChargeSummary, len(plans))
	installments := make([]int, len(plans))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(1)
	if r.tx == nil {
		g.SetLimit(chargeWorkers)
	}
	for i, p := range plans {
		if len(p.Residents) == 0 && p.Due == nil {
			continue
		}
		g.Go(func() error {
			err := r.inTx(gctx, func(tx *sqlx.Tx) error {
				results[i] = SiteChargeSummary{SiteID: p.SiteID, SiteName: p.SiteName, Total: decimal.Zero, Principal: decimal.Zero, Shares: decimal.Zero}
				var err error
				installments[i], err = s.chargeSiteTx(gctx, tx, run.ID, month, p, &results[i])
				return err
			})
			if err != nil {
				results[i].SiteID = 0
				return fmt.Errorf("charges for %s: %w", p.SiteName, err)
			}
			return nil
		})
	}
	err = g.Wait()
	for i, sum := range results {
		if sum.SiteID == 0 {
			continue
		}
		run.Sites = append(run.Sites, sum)
		run.Posted += sum.Posted
		run.Skipped += sum.Skipped
		run.Total = run.Total.Add(sum.Total)
		run.Installments += installments[i]
	}
	if err != nil {
		return run, err
	}
	n, err := s.postShareLoanInstallments(ctx, r, run.ID, month)
	run.Installments += n
	return run, err
}

// planCharges reads what a month's run needs and computes every split. It
// returns the plans of the sites with a share pool, by name, and the names
// of the occupied sites without one.
func (s *Service) planCharges(ctx context.Context, r chargeRunner, month time.Time) ([]*sitePlan, []string, error) {
	q := r.q()
	plans, err := readSitePlans(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	noPool, err := plans.readResidents(ctx, q, month)
	if err != nil {
		return nil, nil, err
	}
	if err := s.planMortgages(ctx, r, month, plans); err != nil {
		return nil, nil, err
	}
	for _, p := range plans.ordered {
		interest, principal := decimal.Zero, decimal.Zero
		if p.Due != nil {
			interest, principal = p.Due.Interest, p.Due.Principal
		}
		p.Splits, err = SplitSiteCharges(p.Units, interest, principal, p.ReservePct)
		if err != nil {
			e, _ := app.AsError(err)
			return nil, nil, app.Unprocessable(e.Code, "%s: %s", p.SiteName, e.Message)
		}
	}
	return plans.ordered, noPool, nil
}

// sitePlans are the plans of a run, by site and in order of site name.
type sitePlans struct {
	byID    map[int64]*sitePlan
	ordered []*sitePlan
	ids     []int64
}

// readSitePlans starts a plan for each site with a share pool, with its units.
func readSitePlans(ctx context.Context, q sqlx.QueryerContext) (sitePlans, error) {
	var pools []struct {
		SiteID     int64           `db:"site_id"`
		Name       string          `db:"name"`
		ReservePct decimal.Decimal `db:"reserve_pct"`
	}
	if err := sqlx.SelectContext(ctx, q, &pools, `
		SELECT p.site_id, s.name, p.reserve_pct FROM share_pools p JOIN sites s ON s.id = p.site_id ORDER BY s.name`); err != nil {
		return sitePlans{}, fmt.Errorf("equity: unable to read pools: %w", err)
	}
	plans := sitePlans{byID: make(map[int64]*sitePlan, len(pools))}
	for _, p := range pools {
		sp := &sitePlan{SiteID: p.SiteID, SiteName: p.Name, ReservePct: p.ReservePct}
		plans.byID[p.SiteID] = sp
		plans.ordered = append(plans.ordered, sp)
		plans.ids = append(plans.ids, p.SiteID)
	}
	var units []struct {
		UnitWeight
		SiteID int64 `db:"site_id"`
	}
	if err := sqlx.SelectContext(ctx, q, &units, `
		SELECT id, site_id, name, monthly_charge FROM units WHERE site_id = ANY($1) ORDER BY site_id, id`, pq.Array(plans.ids)); err != nil {
		return plans, fmt.Errorf("equity: unable to read units: %w", err)
	}
	for _, u := range units {
		plans.byID[u.SiteID].Units = append(plans.byID[u.SiteID].Units, u.UnitWeight)
	}
	return plans, nil
}

// readResidents adds to each plan the residencies of the month at its
// site, and returns the names of the occupied sites that have no pool.
func (plans sitePlans) readResidents(ctx context.Context, q sqlx.QueryerContext, month time.Time) ([]string, error) {
	var occ []occupancy
	if err := sqlx.SelectContext(ctx, q, &occ, `
		SELECT r.id AS residency_id, r.site_id, r.unit_id, r.member_id,
		       least(coalesce(r.ends_on, $2::date), $2::date) - greatest(r.starts_on, $1::date) AS days
		FROM residencies r
		WHERE daterange(r.starts_on, r.ends_on, '[)') && daterange($1::date, $2::date, '[)')
		ORDER BY r.site_id, r.unit_id, r.starts_on`, equity.SQLDate(month), equity.SQLDate(month.AddDate(0, 1, 0))); err != nil {
		return nil, fmt.Errorf("equity: unable to read residencies: %w", err)
	}
	noPoolSet := map[int64]bool{}
	for _, o := range occ {
		if p, ok := plans.byID[o.SiteID]; ok {
			p.Residents = append(p.Residents, o)
		} else {
			noPoolSet[o.SiteID] = true
		}
	}
	var noPool []string
	if len(noPoolSet) > 0 {
		var nids []int64
		for id := range noPoolSet {
			nids = append(nids, id)
		}
		if err := sqlx.SelectContext(ctx, q, &noPool, `SELECT name FROM sites WHERE id = ANY($1) ORDER BY name`, pq.Array(nids)); err != nil {
			return nil, fmt.Errorf("equity: unable to read sites: %w", err)
		}
	}
	return noPool, nil
}

// planMortgages adds to each plan its mortgage's installment due in the
// month, if any.
func (s *Service) planMortgages(ctx context.Context, r chargeRunner, month time.Time, plans sitePlans) error {
	var due map[int64]loans.MortgageDue
	var err error
	if r.tx != nil {
		due, err = s.Loans.MortgagesDueTx(ctx, r.tx, plans.ids, month)
	} else {
		due, err = s.Loans.MortgagesDue(ctx, plans.ids, month)
	}
	if err != nil {
		return err
	}
	for site, d := range due {
		p := plans.byID[site]
		p.Mortgage, p.Due = &d.Loan, &d.Installment
	}
	return nil
}

// chargeSiteTx posts one site's charges of a month: the mortgage
// installments due, then each residency's charge not posted yet, its
// principal part buying shares for the resident at the run day's price. It
// returns how many installments it posted.
func (s *Service) chargeSiteTx(ctx context.Context, tx *sqlx.Tx, runID int64, month time.Time, p *sitePlan, sum *SiteChargeSummary) (int, error) {
	// One run at a time per site: a concurrent run of the same month waits
	// here and then finds everything charged.
	if _, err := tx.ExecContext(ctx, `SELECT 1 FROM share_pools WHERE site_id = $1 FOR UPDATE`, p.SiteID); err != nil {
		return 0, fmt.Errorf("equity: unable to lock pool: %w", err)
	}
	installments := 0
	if p.Mortgage != nil {
		var err error
		if installments, err = s.Loans.PostMortgageInstallmentsTx(ctx, tx, p.Mortgage.ID, p.Due.Period); err != nil {
			return 0, err
		}
	}
	rows, err := pendingCharges(ctx, tx, month, p, sum)
	if err != nil || len(rows) == 0 {
		return installments, err
	}
	members := map[int64]bool{}
	for _, r := range rows {
		members[r.MemberID] = true
	}
	if err := s.ensureReceivables(ctx, tx, members); err != nil {
		return 0, err
	}
	c := siteCharge{runID: runID, month: month, today: s.Equity.Today(), plan: p, rows: rows}
	if c.price, err = s.chargePrice(ctx, tx, c); err != nil {
		return 0, err
	}
	sum.Price = c.price
	for i := range rows {
		r := &rows[i]
		if r.split.Principal.IsPositive() {
			r.qty = equity.SharesFor(r.split.Principal, c.price)
			r.value = equity.ValueOf(r.qty, c.price)
		}
		r.key = fmt.Sprintf("equity:charge:%s:residency:%d", month.Format("2006-01"), r.ResidencyID)
	}
	if err := s.postCharges(ctx, tx, c); err != nil {
		return 0, err
	}
	if err := recordCharges(ctx, tx, c); err != nil {
		return 0, err
	}
	for _, r := range rows {
		if r.qty.IsPositive() {
			sum.Shares = sum.Shares.Add(r.qty)
		}
		sum.Posted++
		sum.Total = sum.Total.Add(r.split.Total)
		sum.Principal = sum.Principal.Add(r.split.Principal)
	}
	return installments, nil
}

// chargeRow is one residency's charge of a month as a run posts it.
type chargeRow struct {
	occupancy
	split   ChargeSplit     // the charge of the days lived there (Prorate)
	monthly decimal.Decimal // the unit's full monthly charge
	qty     decimal.Decimal // shares its principal part buys
	value   decimal.Decimal // equity.ValueOf(qty, price)
	entryID int64           // the ledger entry that posted it
	key     string          // its share event's idempotency key
}

// siteCharge is what a run posts for one site.
type siteCharge struct {
	runID int64
	month time.Time
	today time.Time // the run day, the date of every entry
	price decimal.Decimal
	plan  *sitePlan
	rows  []chargeRow
}

// pendingCharges returns the charges of a site's residencies that a month
// still owes, counting in sum those already posted by an earlier run.
func pendingCharges(ctx context.Context, tx *sqlx.Tx, month time.Time, p *sitePlan, sum *SiteChargeSummary) ([]chargeRow, error) {
	var done []int64
	if err := tx.SelectContext(ctx, &done, `SELECT residency_id FROM unit_charges WHERE site_id = $1 AND month = $2::date`, p.SiteID, equity.SQLDate(month)); err != nil {
		return nil, fmt.Errorf("equity: unable to read charges: %w", err)
	}
	charged := make(map[int64]bool, len(done))
	for _, r := range done {
		charged[r] = true
	}
	dim := DaysIn(month)
	var rows []chargeRow
	for _, o := range p.Residents {
		if charged[o.ResidencyID] {
			sum.Skipped++
			continue
		}
		split := Prorate(p.Splits[o.UnitID], o.Days, dim)
		if split.Total.IsPositive() {
			rows = append(rows, chargeRow{occupancy: o, split: split, monthly: p.Splits[o.UnitID].Total})
		}
	}
	return rows, nil
}

// chargePrice is the share price the principal parts of a site's charges
// buy at: the run day's, read only when some charge has a principal part
// (zero otherwise).
func (s *Service) chargePrice(ctx context.Context, tx *sqlx.Tx, c siteCharge) (decimal.Decimal, error) {
	for _, r := range c.rows {
		if r.split.Principal.IsPositive() {
			pr, err := s.Equity.SharePriceOnTx(ctx, tx, c.plan.SiteID, c.today)
			return pr.Price, err
		}
	}
	return decimal.Zero, nil
}

// postCharges posts a site's charges to the ledger. One entry carries the
// charges of up to chargesPerEntry residencies: each resident's account is
// debited, the site's accounts credited once. (A residency is charged once
// a month by the unit_charges key; entries are keyed by run, site and
// batch.)
func (s *Service) postCharges(ctx context.Context, tx *sqlx.Tx, c siteCharge) error {
	acc := equity.AccountsOfSite(c.plan.SiteID)
	monthText := c.month.Format("2006-01")
	for start := 0; start < len(c.rows); start += chargesPerEntry {
		batch := c.rows[start:min(start+chargesPerEntry, len(c.rows))]
		var operating, reserves, interest, earned, rounding decimal.Decimal
		postings := make([]ledger.Posting, 0, len(batch)+5)
		for _, r := range batch {
			sp := r.split
			postings = append(postings, ledger.Posting{Account: equity.AccountsOfMember(r.MemberID).Receivable, Amount: sp.Total})
			operating, reserves, interest = operating.Add(sp.Operating), reserves.Add(sp.Reserves), interest.Add(sp.Interest)
			earned, rounding = earned.Add(r.value), rounding.Add(sp.Principal.Sub(r.value))
		}
		postings = append(postings,
			ledger.Posting{Account: acc.Operating, Amount: operating.Neg()},
			ledger.Posting{Account: acc.Reserves, Amount: reserves.Neg()},
			ledger.Posting{Account: acc.InterestIncome, Amount: interest.Neg()},
			ledger.Posting{Account: acc.SharesEarned, Amount: earned.Neg()},
			ledger.Posting{Account: acc.Rounding, Amount: rounding.Neg()},
		)
		posted, err := s.Ledger.PostTx(ctx, tx, ledger.Entry{
			IdempotencyKey: fmt.Sprintf("equity:charges:%s:site:%d:run:%d:batch:%d", monthText, c.plan.SiteID, c.runID, start/chargesPerEntry),
			Description:    fmt.Sprintf("Carrying charges %s, %s: %d residencies", monthText, c.plan.SiteName, len(batch)),
			EffectiveDate:  c.today,
			Metadata:       map[string]string{"site_id": id(c.plan.SiteID), "month": monthText, "run_id": id(c.runID)},
			Postings:       equity.NetPostings(postings...),
		})
		if err != nil {
			return err
		}
		for i := range batch {
			batch[i].entryID = posted.ID
		}
	}
	return nil
}

// recordCharges writes the share events of the charges that bought shares,
// moves the holdings, and records every charge, each in one statement of
// arrays (a run of ten thousand residencies is three statements a site).
func recordCharges(ctx context.Context, tx *sqlx.Tx, c siteCharge) error {
	eventIDs, err := recordChargeShares(ctx, tx, c)
	if err != nil {
		return err
	}
	n := len(c.rows)
	units, residencies, members, days, entries := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	monthly, total, operating, reserves, interest, principal := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	events := make([]*int64, n)
	for i, r := range c.rows {
		units[i], residencies[i], members[i], days[i], entries[i] = r.UnitID, r.ResidencyID, r.MemberID, int64(r.Days), r.entryID
		monthly[i], total[i], operating[i] = r.monthly.String(), r.split.Total.String(), r.split.Operating.String()
		reserves[i], interest[i], principal[i] = r.split.Reserves.String(), r.split.Interest.String(), r.split.Principal.String()
		if id, ok := eventIDs[r.key]; ok {
			events[i] = &id
		}
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO unit_charges (site_id, unit_id, residency_id, member_id, month, days, days_in_month, monthly_charge,
		                          total, operating, reserves, interest, principal, share_event_id, entry_id, run_id, posted_on)
		SELECT $1, u, r, m, $2::date, d, $3, mc, t, o, rs, i, p, ev, e, $4, $17::date
		FROM unnest($5::bigint[], $6::bigint[], $7::bigint[], $8::int[], $9::numeric[], $10::numeric[], $11::numeric[],
		            $12::numeric[], $13::numeric[], $14::numeric[], $15::bigint[], $16::bigint[])
		     AS x (u, r, m, d, mc, t, o, rs, i, p, ev, e)`,
		c.plan.SiteID, equity.SQLDate(c.month), DaysIn(c.month), c.runID,
		pq.Array(units), pq.Array(residencies), pq.Array(members), pq.Array(days), pq.Array(monthly), pq.Array(total),
		pq.Array(operating), pq.Array(reserves), pq.Array(interest), pq.Array(principal), pq.Array(events), pq.Array(entries),
		equity.SQLDate(c.today)); err != nil {
		return fmt.Errorf("equity: unable to record charges: %w", err)
	}
	return nil
}

// recordChargeShares writes the share events of the charges whose
// principal part bought shares and moves the holdings; it returns the
// events' ids by key.
func recordChargeShares(ctx context.Context, tx *sqlx.Tx, c siteCharge) (map[string]int64, error) {
	var members, entries, sites []int64
	var qty, value, amount, keys []string
	var held []decimal.Decimal
	for _, r := range c.rows {
		if !r.qty.IsPositive() {
			continue
		}
		members, entries, sites = append(members, r.MemberID), append(entries, r.entryID), append(sites, c.plan.SiteID)
		qty, value, amount = append(qty, r.qty.String()), append(value, r.value.String()), append(amount, r.split.Principal.String())
		keys, held = append(keys, r.key), append(held, r.qty)
	}
	ids := map[string]int64{}
	if len(keys) == 0 {
		return ids, nil
	}
	var rows []struct {
		ID  int64  `db:"id"`
		Key string `db:"idempotency_key"`
	}
	if err := tx.SelectContext(ctx, &rows, `
		INSERT INTO share_events (site_id, member_id, kind, effective_on, quantity, price, value, amount, entry_id, idempotency_key)
		SELECT $1, m, 'charge', $2::date, q, $3, v, a, e, k
		FROM unnest($4::bigint[], $5::numeric[], $6::numeric[], $7::numeric[], $8::bigint[], $9::text[]) AS t (m, q, v, a, e, k)
		RETURNING id, idempotency_key`,
		c.plan.SiteID, equity.SQLDate(c.today), c.price, pq.Array(members), pq.Array(qty), pq.Array(value), pq.Array(amount),
		pq.Array(entries), pq.Array(keys)); err != nil {
		return nil, fmt.Errorf("equity: unable to write the register: %w", err)
	}
	for _, r := range rows {
		ids[r.Key] = r.ID
	}
	return ids, equity.MoveHoldingsTx(ctx, tx, sites, members, held)
}

// postShareLoanInstallments posts every open share loan's installments due
// up to the end of the month, a few hundred loans a transaction.
func (s *Service) postShareLoanInstallments(ctx context.Context, r chargeRunner, runID int64, month time.Time) (int, error) {
	var dues []loans.Due
	var err error
	if r.tx != nil {
		dues, err = s.Loans.ShareLoansDueTx(ctx, r.tx, month)
	} else {
		dues, err = s.Loans.ShareLoansDue(ctx, month)
	}
	if err != nil {
		return 0, err
	}
	total := 0
	for start := 0; start < len(dues); start += loans.LoansPerEntry {
		chunk := dues[start:min(start+loans.LoansPerEntry, len(dues))]
		n := 0
		err := r.inTx(ctx, func(tx *sqlx.Tx) error {
			var err error
			n, err = s.Loans.PostShareLoanInstallmentsTx(ctx, tx, runID, start/loans.LoansPerEntry, chunk)
			return err
		})
		if err != nil {
			return total, fmt.Errorf("share loan installments: %w", err)
		}
		total += n
	}
	return total, nil
}

// ensureReceivables creates the member accounts a run needs that are
// missing. It reads the chart of accounts once instead of asking the ledger
// account by account, so a run of ten thousand residents costs one query
// when every account exists (the usual case: admission creates them).
func (s *Service) ensureReceivables(ctx context.Context, tx *sqlx.Tx, members map[int64]bool) error {
	codes := make([]string, 0, len(members))
	byCode := map[string]int64{}
	for m := range members {
		c := equity.AccountsOfMember(m).Receivable
		codes = append(codes, c)
		byCode[c] = m
	}
	var have []string
	if err := tx.SelectContext(ctx, &have, `SELECT code FROM ledger_accounts WHERE code = ANY($1)`, pq.Array(codes)); err != nil {
		return fmt.Errorf("equity: unable to read accounts: %w", err)
	}
	for _, c := range have {
		delete(byCode, c)
	}
	for _, m := range byCode {
		if err := s.Equity.EnsureMemberAccountsTx(ctx, tx, m); err != nil {
			return err
		}
	}
	return nil
}

// ChargeRuns lists the last runs of the monthly charges, latest first (the
// treasurer's). Errors: forbidden (403).
func (s *Service) ChargeRuns(ctx context.Context, p *app.Principal, limit int) ([]ChargeRunRecord, error) {
	if err := requireCharges(p); err != nil {
		return nil, err
	}
	rs := []ChargeRunRecord{}
	if err := s.DB.SelectContext(ctx, &rs, `
		SELECT c.id, c.month, c.posted, c.skipped, c.total, c.duration_ms, c.created_at, coalesce(m.name, '') AS run_by
		FROM charge_runs c LEFT JOIN members m ON m.id = c.run_by ORDER BY c.id DESC LIMIT $1`, limit); err != nil {
		return nil, fmt.Errorf("equity: unable to list runs: %w", err)
	}
	for i := range rs {
		rs[i].Month = equity.Day(rs[i].Month)
	}
	return rs, nil
}

// ChargeRunRecord is a past run as recorded.
type ChargeRunRecord struct {
	ID         int64           `db:"id" json:"id"`
	Month      time.Time       `db:"month" json:"month"`
	Posted     int             `db:"posted" json:"posted"`
	Skipped    int             `db:"skipped" json:"skipped"`
	Total      decimal.Decimal `db:"total" json:"total"`
	DurationMS int             `db:"duration_ms" json:"duration_ms"`
	CreatedAt  time.Time       `db:"created_at" json:"created_at"`
	RunBy      string          `db:"run_by" json:"run_by"`
}

// UnitCharge is a posted carrying charge with the names a page shows.
type UnitCharge struct {
	ID          int64           `db:"id" json:"id"`
	SiteID      int64           `db:"site_id" json:"site_id"`
	SiteName    string          `db:"site_name" json:"site_name"`
	UnitID      int64           `db:"unit_id" json:"unit_id"`
	UnitName    string          `db:"unit_name" json:"unit_name"`
	MemberID    int64           `db:"member_id" json:"member_id"`
	MemberName  string          `db:"member_name" json:"member_name"`
	Month       time.Time       `db:"month" json:"month"`
	Days        int             `db:"days" json:"days"`
	DaysInMonth int             `db:"days_in_month" json:"days_in_month"`
	Monthly     decimal.Decimal `db:"monthly_charge" json:"monthly_charge"`
	Total       decimal.Decimal `db:"total" json:"total"`
	Operating   decimal.Decimal `db:"operating" json:"operating"`
	Reserves    decimal.Decimal `db:"reserves" json:"reserves"`
	Interest    decimal.Decimal `db:"interest" json:"interest"`
	Principal   decimal.Decimal `db:"principal" json:"principal"`
	Shares      decimal.Decimal `db:"shares" json:"shares"`
	Price       decimal.Decimal `db:"price" json:"price"`
	PostedOn    time.Time       `db:"posted_on" json:"posted_on"`
	EntryID     int64           `db:"entry_id" json:"entry_id"`
}

const selectUnitCharges = `
SELECT c.id, c.site_id, s.name AS site_name, c.unit_id, u.name AS unit_name, c.member_id, m.name AS member_name,
       c.month, c.days, c.days_in_month, c.monthly_charge, c.total, c.operating, c.reserves, c.interest, c.principal,
       coalesce(e.quantity, 0) AS shares, coalesce(e.price, 0) AS price, c.posted_on, c.entry_id
FROM unit_charges c
JOIN sites s ON s.id = c.site_id JOIN units u ON u.id = c.unit_id JOIN members m ON m.id = c.member_id
LEFT JOIN share_events e ON e.id = c.share_event_id`

// ChargesOfMonth lists the charges posted for a month, by site and unit
// (the treasurer's). Errors: forbidden (403).
func (s *Service) ChargesOfMonth(ctx context.Context, p *app.Principal, month time.Time) ([]UnitCharge, error) {
	if err := requireCharges(p); err != nil {
		return nil, err
	}
	return s.unitCharges(ctx, selectUnitCharges+` WHERE c.month = $1::date ORDER BY s.name, u.name, c.id`, equity.SQLDate(equity.MonthOf(month)))
}

// ChargesOfMember lists a member's charges, latest first, to the member and
// the treasurer. Errors: forbidden (403).
func (s *Service) ChargesOfMember(ctx context.Context, p *app.Principal, memberID int64) ([]UnitCharge, error) {
	if err := p.RequireMoneyOf(memberID); err != nil {
		return nil, err
	}
	return s.unitCharges(ctx, selectMemberCharges, memberID)
}

const selectMemberCharges = selectUnitCharges + ` WHERE c.member_id = $1 ORDER BY c.month DESC, c.id DESC`

func (s *Service) unitCharges(ctx context.Context, query string, args ...any) ([]UnitCharge, error) {
	cs := []UnitCharge{}
	if err := s.DB.SelectContext(ctx, &cs, query, args...); err != nil {
		return nil, fmt.Errorf("equity: unable to list charges: %w", err)
	}
	for i := range cs {
		cs[i].Month, cs[i].PostedOn = equity.Day(cs[i].Month), equity.Day(cs[i].PostedOn)
	}
	return cs, nil
}
