package ledger_test

import (
	"context"
	"testing"

	"hearth/app"
	"hearth/finance/ledger"
)

// TestOnlyTheTreasurerKeepsTheBooks runs every operation done for someone
// as each kind of caller: the treasurer may (the operation then succeeds or
// fails on its own terms), anyone else is refused with forbidden (403) and
// nothing is written. Members see their own money through the equity and
// charges areas; a coordinator runs a site, not its accounts.
func TestOnlyTheTreasurerKeepsTheBooks(t *testing.T) {
	t.Parallel()
	l := newLedger(t)
	MustCreateAccounts(t, l,
		ledger.Account{Code: "assets:bank", Type: ledger.Asset},
		ledger.Account{Code: "income:charges", Type: ledger.Income},
	)
	tess := treasurerOf(t, l)
	charge := MustPost(t, l, transfer("charge", "income:charges", "assets:bank", "10.00", "2026-01-05"))
	ctx := context.Background()

	callers := []struct {
		name string
		p    *app.Principal
	}{
		{"treasurer", tess},
		{"member", &app.Principal{Member: app.Member{ID: tess.ID, Role: app.RoleMember}}},
		{"coordinator", &app.Principal{Member: app.Member{ID: tess.ID, Role: app.RoleMember}, CoordinatorOf: []int64{1}}},
		{"resident", &app.Principal{Member: app.Member{ID: tess.ID, Role: app.RoleMember}, Home: &app.Residence{SiteID: 1}}},
		{"nobody", nil},
	}
	operations := []struct {
		name string
		do   func(p *app.Principal) error
	}{
		{"OpenAccount", func(p *app.Principal) error {
			_, err := l.OpenAccount(ctx, p, ledger.Account{Code: "expenses:" + callerCode(p), Type: ledger.Expense})
			return err
		}},
		{"Accounts", func(p *app.Principal) error { _, err := l.Accounts(ctx, p, nil); return err }},
		{"Account", func(p *app.Principal) error { _, err := l.Account(ctx, p, "assets:bank", nil); return err }},
		{"TrialBalance", func(p *app.Principal) error { _, err := l.TrialBalance(ctx, p, nil); return err }},
		{"Statement", func(p *app.Principal) error {
			_, err := l.Statement(ctx, p, "assets:bank", ledger.StatementQuery{})
			return err
		}},
		{"StatementCSV", func(p *app.Principal) error {
			_, err := l.StatementCSV(ctx, p, "assets:bank", ledger.Period{})
			return err
		}},
		{"Entries", func(p *app.Principal) error { _, err := l.Entries(ctx, p, ledger.EntryQuery{}); return err }},
		{"Entry", func(p *app.Principal) error { _, err := l.Entry(ctx, p, charge.ID); return err }},
		{"JournalCSV", func(p *app.Principal) error { _, err := l.JournalCSV(ctx, p, ledger.Period{}); return err }},
		{"PostEntry", func(p *app.Principal) error {
			_, err := l.PostEntry(ctx, p, transfer("by-"+callerCode(p), "income:charges", "assets:bank", "1.00", "2026-01-06"))
			return err
		}},
		{"ReverseEntry", func(p *app.Principal) error {
			_, err := l.ReverseEntry(ctx, p, ledger.Reversal{EntryID: charge.ID, Reason: "charged in error"})
			return err
		}},
	}
	for _, c := range callers {
		for _, op := range operations {
			err := op.do(c.p)
			want := "forbidden"
			if c.p == tess {
				want = ""
			}
			if got := errorCode(err); got != want {
				t.Errorf("%s %s: got %q, want %q", c.name, op.name, got, want)
			}
			if ae, ok := app.AsError(err); ok && want == "forbidden" && ae.Kind != app.KindForbidden {
				t.Errorf("%s %s: kind %s, want forbidden", c.name, op.name, ae.Kind)
			}
		}
	}
	var accounts, entries int
	l.DB.Get(&accounts, `SELECT count(*) FROM ledger_accounts`)
	l.DB.Get(&entries, `SELECT count(*) FROM ledger_entries`)
	if accounts != 3 || entries != 3 {
		t.Errorf("%d accounts and %d entries, want the treasurer's alone: 3 and 3", accounts, entries)
	}
}

func callerCode(p *app.Principal) string {
	if p == nil {
		return "nobody"
	}
	return p.Role
}

// TestThePosterIsTheCaller: what the treasurer posts or reverses records
// them as its poster, whatever the entry said; a reversal without a date
// is dated the books' today.
func TestThePosterIsTheCaller(t *testing.T) {
	t.Parallel()
	l := newLedger(t)
	MustCreateAccounts(t, l,
		ledger.Account{Code: "assets:bank", Type: ledger.Asset},
		ledger.Account{Code: "income:charges", Type: ledger.Income},
	)
	tess := treasurerOf(t, l)
	ctx := context.Background()
	e := transfer("charge", "income:charges", "assets:bank", "10.00", "2026-01-05")
	someoneElse := tess.ID + 1000
	e.PostedBy = &someoneElse
	posted, err := l.PostEntry(ctx, tess, e)
	if err != nil {
		t.Fatal(err)
	}
	rev, err := l.ReverseEntry(ctx, tess, ledger.Reversal{EntryID: posted.ID, Reason: "charged in error", PostedBy: &someoneElse})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{posted.ID, rev.ID} {
		got, err := l.Entry(ctx, tess, id)
		if err != nil || got.PostedBy == nil || *got.PostedBy != tess.ID || got.PostedByName != "Tess Treasurer" {
			t.Errorf("entry %d: posted by %v (%q), %v; want %d", id, got.PostedBy, got.PostedByName, err, tess.ID)
		}
		if id == rev.ID && !got.EffectiveDate.Equal(l.Today().Time()) {
			t.Errorf("a reversal without a date is dated %s, want the books' today %s", got.EffectiveDate, l.Today())
		}
	}
}
