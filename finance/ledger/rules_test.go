package ledger_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/jmoiron/sqlx"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/finance/ledger"
)

// TestBadEntriesWriteNothing posts entries that break each rule: every one
// is refused with its code and leaves no trace.
func TestBadEntriesWriteNothing(t *testing.T) {
	t.Parallel()
	l := newLedger(t)
	MustCreateAccounts(t, l,
		ledger.Account{Code: "assets:bank", Type: ledger.Asset},
		ledger.Account{Code: "income:charges", Type: ledger.Income},
	)
	tess := treasurerOf(t, l)
	ok := func() ledger.Entry { return transfer("bad", "income:charges", "assets:bank", "10.00", "2026-01-01") }
	cases := []struct {
		name string
		edit func(e *ledger.Entry)
		want string
	}{
		{"unbalanced", func(e *ledger.Entry) { e.Postings[0].Amount = dec("10.01") }, "unbalanced_entry"},
		{"one posting", func(e *ledger.Entry) { e.Postings = e.Postings[:1] }, "too_few_postings"},
		{"no postings", func(e *ledger.Entry) { e.Postings = nil }, "too_few_postings"},
		{"unknown account", func(e *ledger.Entry) { e.Postings[1].Account = "income:nope" }, "unknown_account"},
		{"no account", func(e *ledger.Entry) { e.Postings[1].Account = "" }, "unknown_account"},
		{"three places", func(e *ledger.Entry) {
			e.Postings[0].Amount, e.Postings[1].Amount = dec("10.005"), dec("-10.005")
		}, "too_many_places"},
		{"huge", func(e *ledger.Entry) {
			e.Postings[0].Amount, e.Postings[1].Amount = dec("1e15"), dec("-1e15")
		}, "amount_too_large"},
		{"zero", func(e *ledger.Entry) {
			e.Postings = append(e.Postings, ledger.Posting{Account: "assets:bank", Amount: decimal.Zero})
		}, "zero_amount"},
		{"no key", func(e *ledger.Entry) { e.IdempotencyKey = "" }, "invalid_idempotency_key"},
		{"long key", func(e *ledger.Entry) { e.IdempotencyKey = strings.Repeat("k", 201) }, "invalid_idempotency_key"},
		{"no description", func(e *ledger.Entry) { e.Description = "  " }, "description_required"},
		{"no date", func(e *ledger.Entry) { e.EffectiveDate = time.Time{} }, "invalid_date"},
		{"far future", func(e *ledger.Entry) { e.EffectiveDate = date("3001-01-01") }, "invalid_date"},
		{"empty metadata key", func(e *ledger.Entry) { e.Metadata = map[string]string{"": "x"} }, "invalid_metadata"},
	}
	for _, c := range cases {
		e := ok()
		c.edit(&e)
		_, err := l.PostEntry(context.Background(), tess, e)
		if got := errorCode(err); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
		if ae, _ := app.AsError(err); ae != nil && ae.Kind != app.KindUnprocessable {
			t.Errorf("%s: kind %s, want unprocessable", c.name, ae.Kind)
		}
	}
	var n int
	l.DB.Get(&n, `SELECT (SELECT count(*) FROM ledger_entries) + (SELECT count(*) FROM ledger_postings) + (SELECT count(*) FROM ledger_balances)`)
	if n != 0 {
		t.Errorf("refused entries left %d rows", n)
	}
}

// TestAmountsTakeTheCurrencysPlaces: the books hold every amount to their
// currency's places and below money.MaxAmount (money.Check), whoever
// posts it; how amounts are written is money.Parse's rule.
func TestAmountsTakeTheCurrencysPlaces(t *testing.T) {
	t.Parallel()
	db := apptest.NewDB(t)
	for i, c := range []struct {
		currency, amount, want string
	}{
		{"USD", "999999999999999.99", ""},
		{"USD", "1.001", "too_many_places"},
		{"USD", "1000000000000000", "amount_too_large"},
		{"JPY", "5", ""},
		{"JPY", "5.5", "too_many_places"},
		{"BHD", "1.005", ""},
		{"BHD", "1.0005", "too_many_places"},
	} {
		l := ledger.New(db, c.currency)
		bank, income := fmt.Sprintf("assets:bank:%d", i), fmt.Sprintf("income:%d", i)
		MustCreateAccounts(t, l, ledger.Account{Code: bank, Type: ledger.Asset}, ledger.Account{Code: income, Type: ledger.Income})
		_, err := l.PostEntry(context.Background(), treasurerOf(t, l), transfer(c.currency+c.amount, income, bank, c.amount, "2026-01-01"))
		if got := errorCode(err); got != c.want {
			t.Errorf("%s %s: got %q, want %q", c.currency, c.amount, got, c.want)
		}
	}
}

// TestDatabaseRefusesTampering goes around the Go API: the schema itself
// refuses unbalanced entries, changes to entries and postings, and a reused key.
func TestDatabaseRefusesTampering(t *testing.T) {
	t.Parallel()
	l := newLedger(t)
	MustCreateAccounts(t, l,
		ledger.Account{Code: "assets:bank", Type: ledger.Asset},
		ledger.Account{Code: "income:charges", Type: ledger.Income},
	)
	p := MustPost(t, l, transfer("k", "income:charges", "assets:bank", "10.00", "2026-01-01"))
	ctx := context.Background()

	unbalanced := func() error {
		tx, err := l.DB.BeginTxx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		var id int64
		if err := tx.Get(&id, `INSERT INTO ledger_entries (idempotency_key, content_hash, description, effective_date)
			VALUES ('raw', '\x00', 'raw', '2026-01-01') RETURNING id`); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO ledger_postings (entry_id, account_id, amount, effective_date)
			SELECT $1, id, 5, '2026-01-01' FROM ledger_accounts`, id); err != nil {
			return err
		}
		return tx.Commit()
	}
	if got, want := app.PQConstraint(unbalanced()), "ledger_entries_balanced"; got != want {
		t.Errorf("unbalanced insert: constraint %q, want %q", got, want)
	}
	for _, stmt := range []string{
		`UPDATE ledger_postings SET amount = amount * 2 WHERE entry_id = $1`,
		`DELETE FROM ledger_postings WHERE entry_id = $1`,
		`UPDATE ledger_entries SET description = 'changed' WHERE id = $1`,
		`DELETE FROM ledger_entries WHERE id = $1`,
		`TRUNCATE ledger_postings, ledger_entries`,
		`INSERT INTO ledger_postings (entry_id, account_id, amount, effective_date) SELECT $1, id, 1, '2026-01-01' FROM ledger_accounts LIMIT 1`,
		`INSERT INTO ledger_entries (idempotency_key, content_hash, description, effective_date) VALUES ('k', '\x00', 'again', '2026-01-01')`,
		`INSERT INTO ledger_postings (entry_id, account_id, amount, effective_date) SELECT $1 + 1000, id, 1 - 2 * (id % 2), '2026-01-01' FROM ledger_accounts`,
		`INSERT INTO ledger_postings (entry_id, account_id, amount, effective_date) VALUES ($1, 9999, 1, '2026-01-01'), ($1, 9998, -1, '2026-01-01')`,
		`UPDATE ledger_accounts SET type = 'expense' WHERE code = 'assets:bank'`,
		`TRUNCATE ledger_accounts CASCADE`,
		`DELETE FROM ledger_accounts WHERE code = 'assets:bank'`,
	} {
		var err error
		if !strings.Contains(stmt, "$1") {
			_, err = l.DB.Exec(stmt)
		} else {
			_, err = l.DB.Exec(stmt, p.ID)
		}
		if err == nil {
			t.Errorf("%s: accepted", stmt)
		}
	}
	if got, want := mustBalance(t, l, "assets:bank", nil), "10.00"; got != want {
		t.Errorf("bank = %s, want %s", got, want)
	}
	if _, err := l.DB.Exec(`UPDATE ledger_accounts SET name = 'Operating account' WHERE code = 'assets:bank'`); err != nil {
		t.Errorf("renaming an account: %v", err)
	}
}

func TestAccounts(t *testing.T) {
	t.Parallel()
	l := newLedger(t)
	ctx := context.Background()
	err := app.InTx(ctx, l.DB, func(tx *sqlx.Tx) error {
		return l.CreateAccountTx(ctx, tx, ledger.Account{Code: "assets:bank", Type: ledger.Asset, Name: "Bank"})
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		ensure bool
		a      ledger.Account
		want   string
	}{
		{"create taken code", false, ledger.Account{Code: "assets:bank", Type: ledger.Asset}, "account_exists"},
		{"ensure same", true, ledger.Account{Code: "assets:bank", Type: ledger.Asset}, ""},
		{"ensure other type", true, ledger.Account{Code: "assets:bank", Type: ledger.Income}, "account_type_mismatch"},
		{"ensure new", true, ledger.Account{Code: "income:new", Type: ledger.Income}, ""},
		{"bad code", false, ledger.Account{Code: "Assets Bank", Type: ledger.Asset}, "invalid_account_code"},
		{"empty segment", false, ledger.Account{Code: "assets::bank", Type: ledger.Asset}, "invalid_account_code"},
		{"bad type", false, ledger.Account{Code: "assets:x", Type: "cash"}, "invalid_account_type"},
		{"unknown site", false, ledger.Account{Code: "assets:x", Type: ledger.Asset, SiteID: ptr(int64(999))}, "unknown_link"},
	} {
		err := app.InTx(ctx, l.DB, func(tx *sqlx.Tx) error {
			if c.ensure {
				return l.EnsureAccountTx(ctx, tx, c.a)
			}
			return l.CreateAccountTx(ctx, tx, c.a)
		})
		if got := errorCode(err); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
	a, err := l.Account(ctx, reader, "assets:bank", nil)
	if err != nil || a.Name != "Bank" || a.Type != ledger.Asset {
		t.Errorf("Account = %+v, %v", a, err)
	}
	if _, err := l.Balance(ctx, "assets:none", nil); errorCode(err) != "not_found" {
		t.Errorf("balance of a missing account: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }
