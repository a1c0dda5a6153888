package ledger_test

import (
	"context"
	"flag"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/shopspring/decimal"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/finance/ledger"
)

func TestMain(m *testing.M) {
	flag.Parse()
	// Each property check builds a database and posts hundreds of entries:
	// a few checks are plenty unless asked for more with -rapid.checks.
	checksSet := false
	flag.Visit(func(f *flag.Flag) { checksSet = checksSet || f.Name == "rapid.checks" })
	if !checksSet && os.Getenv("RAPID_CHECKS") == "" {
		flag.Set("rapid.checks", "6")
	}
	os.Exit(apptest.Main(m))
}

// newLedger returns a ledger over a fresh database.
func newLedger(t *testing.T) *ledger.Ledger {
	t.Helper()
	return ledger.New(apptest.NewDB(t), "USD")
}

// reader is the treasurer reading the books, for checks that post nothing
// (and so need no member row for the poster).
var reader = &app.Principal{Member: app.Member{Role: app.RoleAdmin}}

var treasurers sync.Map // *ledger.Ledger → *app.Principal

// treasurerOf returns the treasurer of a test's books: a member of its
// database, who is recorded as the poster of the entries they post.
func treasurerOf(t *testing.T, l *ledger.Ledger) *app.Principal {
	t.Helper()
	if p, ok := treasurers.Load(l); ok {
		return p.(*app.Principal)
	}
	id := apptest.MustInsertMember(t, l.DB, "Tess Treasurer")
	p, _ := treasurers.LoadOrStore(l, &app.Principal{Member: app.Member{ID: id, Name: "Tess Treasurer", Role: app.RoleAdmin}})
	return p.(*app.Principal)
}

// MustCreateAccounts creates accounts in one transaction.
func MustCreateAccounts(t *testing.T, l *ledger.Ledger, accounts ...ledger.Account) {
	t.Helper()
	err := app.InTx(context.Background(), l.DB, func(tx *sqlx.Tx) error {
		for _, a := range accounts {
			if err := l.CreateAccountTx(context.Background(), tx, a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("MustCreateAccounts: %v", err)
	}
}

// MustPost posts an entry in its own transaction.
func MustPost(t *testing.T, l *ledger.Ledger, e ledger.Entry) ledger.Posted {
	t.Helper()
	p, err := l.PostEntry(context.Background(), treasurerOf(t, l), e)
	if err != nil {
		t.Fatalf("MustPost %s: %v", e.IdempotencyKey, err)
	}
	return p
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s) // not day.Parse: tests build days outside the books' years
	if err != nil {
		panic(err)
	}
	return t
}

// transfer is a two-posting entry moving amount from one account to another.
func transfer(key, from, to, amount, day string) ledger.Entry {
	return ledger.Entry{
		IdempotencyKey: key,
		Description:    "transfer " + key,
		EffectiveDate:  date(day),
		Postings: []ledger.Posting{
			{Account: to, Amount: dec(amount)},
			{Account: from, Amount: dec(amount).Neg()},
		},
	}
}

func mustBalance(t *testing.T, l *ledger.Ledger, code string, asOf *time.Time) string {
	t.Helper()
	b, err := l.Balance(context.Background(), code, asOf)
	if err != nil {
		t.Fatalf("Balance %s: %v", code, err)
	}
	return l.FormatAmount(b)
}

func errorCode(err error) string {
	if e, ok := app.AsError(err); ok {
		return e.Code
	}
	if err != nil {
		return "internal: " + err.Error()
	}
	return ""
}

func TestPostAndBalance(t *testing.T) {
	t.Parallel()
	l := newLedger(t)
	MustCreateAccounts(t, l,
		ledger.Account{Code: "assets:bank", Type: ledger.Asset, NonNegative: true},
		ledger.Account{Code: "income:charges", Type: ledger.Income},
	)
	p1 := MustPost(t, l, transfer("k1", "income:charges", "assets:bank", "100.00", "2026-01-10"))
	MustPost(t, l, transfer("k2", "income:charges", "assets:bank", "50.5", "2026-02-10"))

	if got, want := mustBalance(t, l, "assets:bank", nil), "150.50"; got != want {
		t.Errorf("bank balance = %s, want %s", got, want)
	}
	if got, want := mustBalance(t, l, "income:charges", nil), "-150.50"; got != want {
		t.Errorf("income balance = %s, want %s", got, want)
	}
	jan := date("2026-01-31")
	if got, want := mustBalance(t, l, "assets:bank", &jan), "100.00"; got != want {
		t.Errorf("bank balance as of January = %s, want %s", got, want)
	}
	again := MustPost(t, l, transfer("k1", "income:charges", "assets:bank", "100", "2026-01-10"))
	if got, want := again, (ledger.Posted{ID: p1.ID, Replayed: true}); got != want {
		t.Errorf("replay = %+v, want %+v", got, want)
	}
	_, err := l.PostEntry(context.Background(), treasurerOf(t, l), transfer("k1", "income:charges", "assets:bank", "101", "2026-01-10"))
	if got, want := errorCode(err), "idempotency_key_reused"; got != want {
		t.Errorf("reused key: %s, want %s", got, want)
	}
	_, err = l.PostEntry(context.Background(), treasurerOf(t, l), transfer("k3", "assets:bank", "income:charges", "150.51", "2026-03-01"))
	if got, want := errorCode(err), "insufficient_funds"; got != want {
		t.Errorf("overdraft: %s, want %s", got, want)
	}
}
