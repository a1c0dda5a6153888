package ledger_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/jmoiron/sqlx"

	"hearth/app"
	"hearth/finance/ledger"
)

// TestReplaysFromManyGoroutinesMakeOneEntry races 50 posts of the same key
// and content: one creates the entry, every other one gets it back.
func TestReplaysFromManyGoroutinesMakeOneEntry(t *testing.T) {
	t.Parallel()
	l := newLedger(t)
	MustCreateAccounts(t, l,
		ledger.Account{Code: "assets:bank", Type: ledger.Asset},
		ledger.Account{Code: "income:charges", Type: ledger.Income},
	)
	tess := treasurerOf(t, l)
	const n = 50
	results := make([]ledger.Posted, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i], errs[i] = l.PostEntry(context.Background(), tess, transfer("same-key", "income:charges", "assets:bank", "25.00", "2026-03-01"))
		}()
	}
	close(start)
	wg.Wait()
	created := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("post %d: %v", i, errs[i])
		}
		if results[i].ID != results[0].ID {
			t.Fatalf("post %d got entry %d, post 0 got %d", i, results[i].ID, results[0].ID)
		}
		if !results[i].Replayed {
			created++
		}
	}
	if got, want := created, 1; got != want {
		t.Errorf("%d posts created the entry, want %d", got, want)
	}
	var entries int
	l.DB.Get(&entries, `SELECT count(*) FROM ledger_entries`)
	if got, want := entries, 1; got != want {
		t.Errorf("%d entries stored, want %d", got, want)
	}
	if got, want := mustBalance(t, l, "assets:bank", nil), "25.00"; got != want {
		t.Errorf("bank = %s, want %s", got, want)
	}
}

// TestNonNegativeHoldsUnderRaces withdraws 7.00 fifty times at once from an
// account holding 100.00 that may not be overdrawn: exactly 14 succeed.
func TestNonNegativeHoldsUnderRaces(t *testing.T) {
	t.Parallel()
	l := newLedger(t)
	MustCreateAccounts(t, l,
		ledger.Account{Code: "assets:bank", Type: ledger.Asset, NonNegative: true},
		ledger.Account{Code: "equity:members:ada", Type: ledger.Equity, NonNegative: true},
		ledger.Account{Code: "expenses:repairs", Type: ledger.Expense},
	)
	MustPost(t, l, transfer("fund", "equity:members:ada", "assets:bank", "100.00", "2026-01-01"))
	tess := treasurerOf(t, l)
	const n = 50
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[string]int{}
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Half pay a repair from the bank, half pay a member's equity back:
			// both take from a guarded account.
			e := transfer(fmt.Sprintf("repair-%d", i), "assets:bank", "expenses:repairs", "7.00", "2026-01-02")
			_, err := l.PostEntry(context.Background(), tess, e)
			mu.Lock()
			codes[errorCode(err)]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if got, want := codes[""], 14; got != want {
		t.Errorf("%d withdrawals succeeded, want %d (results %v)", got, want, codes)
	}
	if got, want := codes["insufficient_funds"], n-14; got != want {
		t.Errorf("%d withdrawals refused for insufficient funds, want %d", got, want)
	}
	if got, want := mustBalance(t, l, "assets:bank", nil), "2.00"; got != want {
		t.Errorf("bank = %s, want %s", got, want)
	}
	// A credit-normal guarded account: equity may not turn into a debit.
	_, err := l.PostEntry(context.Background(), tess, transfer("payout", "assets:bank", "equity:members:ada", "100.01", "2026-01-03"))
	if got, want := errorCode(err), "insufficient_funds"; got != want {
		t.Errorf("equity below zero: %s, want %s", got, want)
	}
}

// TestHotAccountsWithoutDeadlocks has 32 writers post entries of 2 to 6
// postings over 10 hot accounts in random order, each in a transaction of
// its own without any retry: not one may fail, and the books must hold.
func TestHotAccountsWithoutDeadlocks(t *testing.T) {
	t.Parallel()
	l := newLedger(t)
	var accounts []ledger.Account
	var codes []string
	for i := range 10 {
		a := ledger.Account{Code: fmt.Sprintf("assets:hot:%d", i), Type: ledger.Asset}
		accounts = append(accounts, a)
		codes = append(codes, a.Code)
	}
	MustCreateAccounts(t, l, accounts...)
	ctx := context.Background()
	const writers, perWriter = 32, 40
	var wg sync.WaitGroup
	errs := make(chan error, writers*perWriter)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 7))
			for i := range perWriter {
				n := 2 + r.IntN(5)
				e := ledger.Entry{IdempotencyKey: fmt.Sprintf("w%d-%d", w, i), Description: "shuffle", EffectiveDate: date("2026-04-01")}
				sum := decimal.Zero
				for j := 0; j < n-1; j++ {
					a := decimal.New(int64(1+r.IntN(10000)), -2)
					sum = sum.Add(a)
					e.Postings = append(e.Postings, ledger.Posting{Account: codes[r.IntN(len(codes))], Amount: a})
				}
				e.Postings = append(e.Postings, ledger.Posting{Account: codes[r.IntN(len(codes))], Amount: sum.Neg()})
				err := app.InTx(ctx, l.DB, func(tx *sqlx.Tx) error {
					_, err := l.PostTx(ctx, tx, e)
					return err
				})
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("post failed (deadlock: %v): %v", app.PQCode(err) == "40P01", err)
	}
	var entries int
	l.DB.Get(&entries, `SELECT count(*) FROM ledger_entries`)
	if got, want := entries, writers*perWriter; got != want {
		t.Errorf("%d entries, want %d", got, want)
	}
	mustHoldInvariants(t, l, date("2026-03-31"))
}

// TestPostJoinsTheCallersTransaction writes an entry inside a transaction
// that then rolls back: nothing of it remains, and its key is free again.
func TestPostJoinsTheCallersTransaction(t *testing.T) {
	t.Parallel()
	l := newLedger(t)
	MustCreateAccounts(t, l,
		ledger.Account{Code: "assets:bank", Type: ledger.Asset},
		ledger.Account{Code: "income:charges", Type: ledger.Income},
	)
	ctx := context.Background()
	tx, err := l.DB.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.PostTx(ctx, tx, transfer("move-1", "income:charges", "assets:bank", "10.00", "2026-05-01")); err != nil {
		t.Fatal(err)
	}
	// Inside the transaction the entry counts...
	b, err := l.BalanceTx(ctx, tx, "assets:bank", nil)
	if err != nil || b.String() != "10" {
		t.Fatalf("balance inside the transaction = %s, %v; want 10", b, err)
	}
	tx.Rollback()
	// ...and after a rollback nothing is left.
	if got, want := mustBalance(t, l, "assets:bank", nil), "0.00"; got != want {
		t.Errorf("bank after rollback = %s, want %s", got, want)
	}
	p := MustPost(t, l, transfer("move-1", "income:charges", "assets:bank", "12.00", "2026-05-01"))
	if p.Replayed {
		t.Errorf("the key of a rolled-back entry was taken")
	}
	mustHoldInvariants(t, l, date("2026-05-01"))
}
