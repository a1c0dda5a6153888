package ledger_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"hearth/app/apptest"
	"hearth/finance/ledger"
)

// attempt is one planned call of PostEntry and what came of it.
type attempt struct {
	entry  ledger.Entry
	want   string // the validation error expected, "" for a valid entry
	posted ledger.Posted
	err    error
}

// content is an entry's content in a comparable form.
func content(e ledger.Entry) string {
	ps := make([]string, len(e.Postings))
	for i, p := range e.Postings {
		ps[i] = p.Account + "=" + p.Amount.StringFixed(2)
	}
	sort.Strings(ps)
	return e.Description + "|" + e.EffectiveDate.Format(time.DateOnly) + "|" + strings.Join(ps, ",")
}

// genAmount draws a non-zero amount of up to 10,000.00 in cents.
func genAmount(t *rapid.T, label string) decimal.Decimal {
	cents := rapid.Int64Range(1, 1_000_000).Draw(t, label)
	if rapid.Bool().Draw(t, label+"_neg") {
		cents = -cents
	}
	return decimal.New(cents, -2)
}

// genEntry draws an entry over the accounts: mostly valid and balanced,
// sometimes unbalanced, naming an unknown account, too precise or too short.
func genEntry(t *rapid.T, accounts []string, keys int) (ledger.Entry, string) {
	n := rapid.IntRange(2, 5).Draw(t, "postings")
	e := ledger.Entry{
		IdempotencyKey: fmt.Sprintf("key-%d", rapid.IntRange(0, keys-1).Draw(t, "key")),
		Description:    fmt.Sprintf("entry %d", rapid.IntRange(0, 3).Draw(t, "description")),
		EffectiveDate:  time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rapid.IntRange(0, 90).Draw(t, "day")),
	}
	sum := decimal.Zero
	for j := 0; j < n-1; j++ {
		a := genAmount(t, "amount")
		sum = sum.Add(a)
		e.Postings = append(e.Postings, ledger.Posting{Account: rapid.SampledFrom(accounts).Draw(t, "account"), Amount: a})
	}
	last := sum.Neg()
	if last.IsZero() {
		// Move a cent (two, if the first posting is one cent) to the last posting.
		last = decimal.New(1, -2)
		if e.Postings[0].Amount.Equal(last) {
			last = decimal.New(2, -2)
		}
		e.Postings[0].Amount = e.Postings[0].Amount.Sub(last)
	}
	e.Postings = append(e.Postings, ledger.Posting{Account: rapid.SampledFrom(accounts).Draw(t, "account"), Amount: last})

	switch rapid.IntRange(0, 9).Draw(t, "fault") {
	case 0:
		e.Postings[0].Amount = e.Postings[0].Amount.Add(decimal.New(1, -2))
		if e.Postings[0].Amount.IsZero() {
			e.Postings[0].Amount = decimal.New(2, -2)
		}
		return e, "unbalanced_entry"
	case 1:
		e.Postings[n-1].Account = "nowhere:at-all"
		return e, "unknown_account"
	case 2:
		e.Postings[0].Amount = e.Postings[0].Amount.Add(decimal.New(1, -3))
		e.Postings[1].Amount = e.Postings[1].Amount.Sub(decimal.New(1, -3))
		if e.Postings[0].Amount.IsZero() || e.Postings[1].Amount.IsZero() {
			return e, ""
		}
		return e, "too_many_places"
	case 3:
		e.Postings = e.Postings[:1]
		return e, "too_few_postings"
	}
	return e, ""
}

// TestPropertyConcurrentPosting posts 200 to 500 random entries per check,
// thousands in all (valid, unbalanced, unknown accounts, too precise,
// reusing keys), from 16 goroutines at once, then checks every invariant
// of the books.
func TestPropertyConcurrentPosting(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		// Each check has a database of its own; its pool closes with the
		// check, so that hundreds of checks do not hold hundreds of connections.
		db := apptest.NewDB(t)
		defer db.Close()
		l := ledger.New(db, "USD")
		ctx := context.Background()

		accounts := []string{"assets:bank", "assets:reserve", "income:charges", "expenses:repairs", "equity:shares", "liabilities:mortgage"}
		guarded := map[string]int{"assets:bank": 1, "equity:shares": -1}
		MustCreateAccounts(t, l,
			ledger.Account{Code: "assets:bank", Type: ledger.Asset, NonNegative: true},
			ledger.Account{Code: "assets:reserve", Type: ledger.Asset},
			ledger.Account{Code: "income:charges", Type: ledger.Income},
			ledger.Account{Code: "expenses:repairs", Type: ledger.Expense},
			ledger.Account{Code: "equity:shares", Type: ledger.Equity, NonNegative: true},
			ledger.Account{Code: "liabilities:mortgage", Type: ledger.Liability},
		)

		count := rapid.IntRange(200, 500).Draw(rt, "entries")
		keys := rapid.IntRange(count/2, count).Draw(rt, "keys")
		attempts := make([]attempt, count)
		for i := range attempts {
			attempts[i].entry, attempts[i].want = genEntry(rt, accounts, keys)
		}

		tess := treasurerOf(t, l)
		var wg sync.WaitGroup
		next := make(chan int)
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					attempts[i].posted, attempts[i].err = l.PostEntry(ctx, tess, attempts[i].entry)
				}
			}()
		}
		for i := range attempts {
			next <- i
		}
		close(next)
		wg.Wait()

		// What each call said, checked against what it was.
		byKey := map[string][]*attempt{}
		for i := range attempts {
			a := &attempts[i]
			code := errorCode(a.err)
			switch {
			case a.want != "":
				if code != a.want {
					rt.Fatalf("entry %d: got %q, want %q", i, code, a.want)
				}
			case code == "", code == "idempotency_key_reused":
			case code == "insufficient_funds":
				if !decreasesGuarded(a.entry, guarded) {
					rt.Fatalf("entry %d refused for insufficient funds but takes from no guarded account", i)
				}
			default:
				rt.Fatalf("entry %d: unexpected error %v", i, a.err)
			}
			byKey[a.entry.IdempotencyKey] = append(byKey[a.entry.IdempotencyKey], a)
		}

		stored := mustStoredEntries(t, l)
		for key, list := range byKey {
			e, ok := stored[key]
			firsts := 0
			for _, a := range list {
				if a.err != nil {
					if errorCode(a.err) == "idempotency_key_reused" && (!ok || content(a.entry) == e.content) {
						rt.Fatalf("key %s: refused as reused although the stored content is the same", key)
					}
					continue
				}
				if !ok {
					rt.Fatalf("key %s: posted as %d but no entry holds it", key, a.posted.ID)
				}
				if a.posted.ID != e.id || content(a.entry) != e.content {
					rt.Fatalf("key %s: posted as %d (%s) but stored as %d (%s)", key, a.posted.ID, content(a.entry), e.id, e.content)
				}
				if !a.posted.Replayed {
					firsts++
				}
			}
			if ok && firsts != 1 {
				rt.Fatalf("key %s: %d calls created its entry, want exactly 1", key, firsts)
			}
			if !ok && firsts != 0 {
				rt.Fatalf("key %s: lost", key)
			}
			delete(stored, key)
		}
		if len(stored) != 0 {
			rt.Fatalf("%d entries were stored that no call created", len(stored))
		}

		mustHoldInvariants(t, l, time.Date(2026, 2, 15, 0, 0, 0, 0, time.UTC))
		for code, sign := range guarded {
			b, err := l.Balance(ctx, code, nil)
			if err != nil {
				rt.Fatal(err)
			}
			if b.Mul(decimal.NewFromInt(int64(sign))).IsNegative() {
				rt.Fatalf("guarded account %s went below zero: %s", code, b)
			}
		}
	})
}

func decreasesGuarded(e ledger.Entry, guarded map[string]int) bool {
	net := map[string]decimal.Decimal{}
	for _, p := range e.Postings {
		net[p.Account] = net[p.Account].Add(p.Amount)
	}
	for code, sign := range guarded {
		if net[code].Sign() == -sign {
			return true
		}
	}
	return false
}

type storedEntry struct {
	id      int64
	content string
}

// mustStoredEntries reads every entry with its postings, by key.
func mustStoredEntries(t *testing.T, l *ledger.Ledger) map[string]storedEntry {
	t.Helper()
	out := map[string]storedEntry{}
	var after int64
	for {
		page, err := l.Entries(context.Background(), reader, ledger.EntryQuery{After: after, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Entries {
			in := ledger.Entry{Description: e.Description, EffectiveDate: e.EffectiveDate}
			for _, p := range e.Postings {
				in.Postings = append(in.Postings, ledger.Posting{Account: p.Account, Amount: p.Amount})
			}
			if _, dup := out[e.IdempotencyKey]; dup {
				t.Fatalf("key %s is stored twice", e.IdempotencyKey)
			}
			out[e.IdempotencyKey] = storedEntry{id: e.ID, content: content(in)}
		}
		if page.Next == 0 {
			return out
		}
		after = page.Next
	}
}

// mustHoldInvariants checks the books against their postings: every entry
// balances with two or more postings, the postings sum to zero, every
// account's balance (now and as of asOf) is the sum of its postings, the
// slot rows and day totals agree with the postings, and the trial balance
// totals zero.
func mustHoldInvariants(t *testing.T, l *ledger.Ledger, asOf time.Time) {
	t.Helper()
	ctx := context.Background()
	var bad []struct {
		EntryID int64           `db:"entry_id"`
		N       int             `db:"n"`
		Sum     decimal.Decimal `db:"sum"`
	}
	if err := l.DB.Select(&bad, `
		SELECT e.id AS entry_id, count(p.id) AS n, coalesce(sum(p.amount), 0) AS sum
		FROM ledger_entries e LEFT JOIN ledger_postings p ON p.entry_id = e.id
		GROUP BY e.id HAVING count(p.id) < 2 OR coalesce(sum(p.amount), 0) <> 0`); err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Fatalf("entries that do not balance: %+v", bad)
	}
	var total decimal.Decimal
	if err := l.DB.Get(&total, `SELECT coalesce(sum(amount), 0) FROM ledger_postings`); err != nil {
		t.Fatal(err)
	}
	if !total.IsZero() {
		t.Fatalf("all postings sum to %s, want 0", total)
	}
	var mismatched []string
	if err := l.DB.Select(&mismatched, `
		SELECT a.code FROM ledger_accounts a
		WHERE coalesce((SELECT sum(amount) FROM ledger_postings WHERE account_id = a.id), 0)
		   <> coalesce((SELECT sum(balance) FROM ledger_balances WHERE account_id = a.id), 0)
		   OR EXISTS (
		      SELECT FROM (SELECT effective_date AS day, sum(amount) AS s FROM ledger_postings WHERE account_id = a.id GROUP BY 1) p
		      FULL JOIN (SELECT day, sum(total) AS s FROM ledger_daily_totals WHERE account_id = a.id GROUP BY 1) d USING (day)
		      WHERE coalesce(p.s, 0) <> coalesce(d.s, 0))`); err != nil {
		t.Fatal(err)
	}
	if len(mismatched) > 0 {
		t.Fatalf("stored balances disagree with the postings of %v", mismatched)
	}
	for _, day := range []*time.Time{nil, &asOf} {
		tb, err := l.TrialBalance(ctx, reader, day)
		if err != nil {
			t.Fatal(err)
		}
		if !tb.Total.IsZero() {
			t.Fatalf("trial balance as of %v totals %s, want 0", day, tb.Total)
		}
		for _, a := range tb.Accounts {
			var want decimal.Decimal
			if err := l.DB.Get(&want, `
				SELECT coalesce(sum(amount), 0) FROM ledger_postings
				WHERE account_id = $1 AND ($2::date IS NULL OR effective_date <= $2)`, a.ID, dayString(day)); err != nil {
				t.Fatal(err)
			}
			if !a.Balance.Equal(want) {
				t.Fatalf("balance of %s as of %v = %s, want the sum of its postings %s", a.Code, day, a.Balance, want)
			}
			b, err := l.Balance(ctx, a.Code, day)
			if err != nil || !b.Equal(want) {
				t.Fatalf("Balance(%s, %v) = %s, %v; want %s", a.Code, day, b, err, want)
			}
		}
	}
}

func dayString(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.Format(time.DateOnly)
	return &s
}
