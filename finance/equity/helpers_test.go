package equity_test

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/shopspring/decimal"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/finance/equity"
	"hearth/finance/equity/charges"
	"hearth/finance/equity/loans"
	"hearth/finance/equity/statement"
	"hearth/finance/ledger"
)

// admin is the treasurer, who may see and do everything in equity.
var admin = &app.Principal{Member: app.Member{Role: app.RoleAdmin}}

// env is a fresh database with the equity service on a clock the test moves.
type env struct {
	t       testing.TB
	db      *sqlx.DB
	svc     *equity.Service
	loans   *loans.Service
	charges *charges.Service
	stmt    *statement.Service
	today   time.Time
}

func newEnv(t testing.TB, today string) *env {
	t.Helper()
	db := apptest.NewDB(t)
	e := &env{t: t, db: db, today: day(today)}
	e.svc = equity.New(db, ledger.New(db, "USD"))
	e.svc.Now = func() time.Time { return e.today }
	e.loans = loans.New(e.svc)
	e.charges = charges.New(e.svc, e.loans)
	e.stmt = statement.New(e.svc, e.loans, e.charges)
	return e
}

func (e *env) setToday(s string) { e.today = day(s) }

// tx runs fn in a transaction and returns its error.
func (e *env) tx(fn func(tx *sqlx.Tx) error) error {
	return app.InTx(context.Background(), e.db, fn)
}

// must runs fn in a transaction and fails the test on error.
func (e *env) must(what string, fn func(tx *sqlx.Tx) error) {
	e.t.Helper()
	if err := e.tx(fn); err != nil {
		e.t.Fatalf("%s: %v", what, err)
	}
}

func (e *env) site(name string) int64 {
	e.t.Helper()
	return apptest.MustCreateSite(e.t, e.db, name, "UTC").ID
}

func (e *env) unit(site int64, name, charge, required string) int64 {
	e.t.Helper()
	id := apptest.MustCreateUnit(e.t, e.db, site, name, charge)
	if _, err := e.db.Exec(`UPDATE units SET required_equity = $2 WHERE id = $1`, id, required); err != nil {
		e.t.Fatal(err)
	}
	return id
}

func (e *env) member(name string) int64 {
	e.t.Helper()
	return apptest.MustInsertMember(e.t, e.db, name)
}

func (e *env) price(site int64) equity.Price {
	e.t.Helper()
	p, err := e.svc.SharePrice(context.Background(), admin, site, e.today)
	if err != nil {
		e.t.Fatalf("price: %v", err)
	}
	return p
}

// balance reads an account in its normal direction.
func (e *env) balance(code string, normal int64) decimal.Decimal {
	e.t.Helper()
	l := ledger.New(e.db, "USD")
	b, err := l.Balance(context.Background(), code, nil)
	if app.ErrorKind(err) == app.KindNotFound {
		return decimal.Zero
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return b.Mul(decimal.NewFromInt(normal))
}

func (e *env) policyNAV(site int64, base string) {
	e.t.Helper()
	e.must("nav policy", func(tx *sqlx.Tx) error {
		_, err := e.svc.SetPolicyTx(context.Background(), tx, equity.NewPolicy{SiteID: site, EffectiveFrom: e.today, Kind: equity.NetAssetValue, BasePrice: dec(base)})
		return err
	})
}

func (e *env) policyRate(site int64, base, rate, baseDate string) {
	e.t.Helper()
	r := dec(rate)
	e.must("limited-equity policy", func(tx *sqlx.Tx) error {
		_, err := e.svc.SetPolicyTx(context.Background(), tx, equity.NewPolicy{SiteID: site, EffectiveFrom: e.today, Kind: equity.LimitedEquity,
			BasePrice: dec(base), BaseDate: day(baseDate), YearlyRatePct: &r})
		return err
	})
}

func (e *env) issue(site, member int64, amount, cash, key string) equity.ShareEvent {
	e.t.Helper()
	var ev equity.ShareEvent
	e.must("issue "+key, func(tx *sqlx.Tx) error {
		var err error
		ev, err = e.svc.IssueSharesTx(context.Background(), tx, equity.IssueRequest{SiteID: site, MemberID: member, Kind: equity.Issue,
			Amount: dec(amount), Cash: dec(cash), IdempotencyKey: key})
		return err
	})
	return ev
}

// trialBalance sums every account: double entry keeps it at zero.
func (e *env) trialBalance() decimal.Decimal {
	e.t.Helper()
	tb, err := ledger.New(e.db, "USD").TrialBalance(context.Background(), &app.Principal{Member: app.Member{Role: app.RoleAdmin}}, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return tb.Total
}

func (e *env) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.Get(&n, query, args...); err != nil {
		e.t.Fatal(err)
	}
	return n
}
