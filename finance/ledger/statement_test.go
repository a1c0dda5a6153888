package ledger_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"hearth/finance/ledger"
)

func TestStatementRunningBalanceAndPages(t *testing.T) {
	t.Parallel()
	l := newLedger(t)
	MustCreateAccounts(t, l,
		ledger.Account{Code: "assets:bank", Type: ledger.Asset},
		ledger.Account{Code: "income:charges", Type: ledger.Income},
	)
	// Ten deposits of 10.00, one a day from 1 March, posted out of date order.
	for _, d := range []int{5, 1, 9, 2, 3, 10, 4, 8, 6, 7} {
		MustPost(t, l, transfer(fmt.Sprintf("d%d", d), "income:charges", "assets:bank", "10.00", fmt.Sprintf("2026-03-%02d", d)))
	}
	from, to := date("2026-03-03"), date("2026-03-08")
	ctx := context.Background()
	var lines []ledger.StatementLine
	var after int64
	pages := 0
	for {
		st, err := l.Statement(ctx, reader, "assets:bank", ledger.StatementQuery{Period: ledger.Period{From: &from, To: &to}, After: after, Limit: 4})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if got, want := st.Opening.StringFixed(2), "20.00"; got != want {
			t.Errorf("opening = %s, want %s", got, want)
		}
		if got, want := st.Closing.StringFixed(2), "80.00"; got != want {
			t.Errorf("closing = %s, want %s", got, want)
		}
		if len(lines) > 0 && !st.PageOpening.Equal(lines[len(lines)-1].Balance) {
			t.Errorf("page %d opens at %s, the previous page closed at %s", pages, st.PageOpening, lines[len(lines)-1].Balance)
		}
		lines = append(lines, st.Lines...)
		if st.Next == 0 {
			break
		}
		after = st.Next
	}
	if got, want := pages, 2; got != want {
		t.Errorf("%d pages, want %d", got, want)
	}
	var got []string
	for _, line := range lines {
		got = append(got, line.EffectiveDate.Format("02")+"="+line.Balance.StringFixed(2))
	}
	if got, want := strings.Join(got, " "), "03=30.00 04=40.00 05=50.00 06=60.00 07=70.00 08=80.00"; got != want {
		t.Errorf("lines = %s, want %s", got, want)
	}

	var csv bytes.Buffer
	export, err := l.StatementCSV(ctx, reader, "income:charges", ledger.Period{From: &to})
	if err != nil {
		t.Fatal(err)
	}
	if err := export(ctx, &csv); err != nil {
		t.Fatal(err)
	}
	want := "date,entry_id,description,debit,credit,balance\n"
	for i, d := range []int{8, 9, 10} {
		want += fmt.Sprintf("2026-03-%02d,%d,transfer d%d,,10.00,%s\n", d, entryID(t, l, fmt.Sprintf("d%d", d)), d, fmt.Sprintf("-%d0.00", 8+i))
	}
	if got := csv.String(); got != want {
		t.Errorf("statement CSV:\n%s\nwant:\n%s", got, want)
	}

	if _, err := l.Statement(ctx, reader, "assets:bank", ledger.StatementQuery{Period: ledger.Period{From: &to, To: &from}}); errorCode(err) != "invalid_period" {
		t.Errorf("reversed period: %v", err)
	}
	if _, err := l.Statement(ctx, reader, "assets:none", ledger.StatementQuery{}); errorCode(err) != "not_found" {
		t.Errorf("missing account: %v", err)
	}
	// An export is refused before it starts, while the refusal can still
	// be the answer.
	if _, err := l.StatementCSV(ctx, reader, "assets:none", ledger.Period{}); errorCode(err) != "not_found" {
		t.Errorf("export of a missing account: %v", err)
	}
	if _, err := l.StatementCSV(ctx, reader, "assets:bank", ledger.Period{From: &to, To: &from}); errorCode(err) != "invalid_period" {
		t.Errorf("export of a reversed period: %v", err)
	}
}

func entryID(t *testing.T, l *ledger.Ledger, key string) int64 {
	t.Helper()
	var id int64
	if err := l.DB.Get(&id, `SELECT id FROM ledger_entries WHERE idempotency_key = $1`, key); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestJournalCSV(t *testing.T) {
	t.Parallel()
	l := newLedger(t)
	MustCreateAccounts(t, l,
		ledger.Account{Code: "assets:bank", Type: ledger.Asset},
		ledger.Account{Code: "income:charges", Type: ledger.Income},
	)
	a := MustPost(t, l, transfer("a", "income:charges", "assets:bank", "1.50", "2026-02-01"))
	e := transfer("b", "income:charges", "assets:bank", "2.00", "2026-02-02")
	e.Description = "=HYPERLINK(\"x\")"
	b := MustPost(t, l, e)
	MustPost(t, l, transfer("c", "income:charges", "assets:bank", "3.00", "2026-03-01"))
	from, to := date("2026-02-01"), date("2026-02-28")
	var out bytes.Buffer
	export, err := l.JournalCSV(context.Background(), reader, ledger.Period{From: &from, To: &to})
	if err != nil {
		t.Fatal(err)
	}
	if err := export(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf(`entry_id,date,idempotency_key,description,account,debit,credit
%[1]d,2026-02-01,a,transfer a,assets:bank,1.50,
%[1]d,2026-02-01,a,transfer a,income:charges,,1.50
%[2]d,2026-02-02,b,"'=HYPERLINK(""x"")",assets:bank,2.00,
%[2]d,2026-02-02,b,"'=HYPERLINK(""x"")",income:charges,,2.00
`, a.ID, b.ID)
	if got := out.String(); got != want {
		t.Errorf("journal CSV:\n%s\nwant:\n%s", got, want)
	}
}

func TestReverse(t *testing.T) {
	t.Parallel()
	l := newLedger(t)
	MustCreateAccounts(t, l,
		ledger.Account{Code: "assets:bank", Type: ledger.Asset, NonNegative: true},
		ledger.Account{Code: "income:charges", Type: ledger.Income},
		ledger.Account{Code: "expenses:repairs", Type: ledger.Expense},
	)
	ctx := context.Background()
	tess := treasurerOf(t, l)
	charge := MustPost(t, l, transfer("charge", "income:charges", "assets:bank", "80.00", "2026-06-01"))
	r := ledger.Reversal{EntryID: charge.ID, Reason: "charged twice", EffectiveDate: date("2026-06-03")}
	if _, err := l.ReverseEntry(ctx, tess, ledger.Reversal{EntryID: charge.ID}); errorCode(err) != "reason_required" {
		t.Errorf("no reason: %v", err)
	}
	if _, err := l.ReverseEntry(ctx, tess, ledger.Reversal{EntryID: charge.ID, Reason: "x", EffectiveDate: date("2026-05-31")}); errorCode(err) != "reversal_before_entry" {
		t.Errorf("reversal dated before: %v", err)
	}
	if _, err := l.ReverseEntry(ctx, tess, ledger.Reversal{EntryID: 99999, Reason: "x"}); errorCode(err) != "not_found" {
		t.Errorf("missing entry: %v", err)
	}
	rev, err := l.ReverseEntry(ctx, tess, r)
	if err != nil {
		t.Fatal(err)
	}
	again, err := l.ReverseEntry(ctx, tess, r)
	if err != nil || again != (ledger.Posted{ID: rev.ID, Replayed: true}) {
		t.Errorf("same reversal again = %+v, %v; want the first, replayed", again, err)
	}
	if _, err := l.ReverseEntry(ctx, tess, ledger.Reversal{EntryID: charge.ID, Reason: "another reason"}); errorCode(err) != "already_reversed" {
		t.Errorf("second reversal: %v", err)
	}
	for code, want := range map[string]string{"assets:bank": "0.00", "income:charges": "0.00"} {
		if got := mustBalance(t, l, code, nil); got != want {
			t.Errorf("%s = %s, want %s", code, got, want)
		}
	}
	june2 := date("2026-06-02")
	if got, want := mustBalance(t, l, "assets:bank", &june2), "80.00"; got != want {
		t.Errorf("bank before the reversal's date = %s, want %s", got, want)
	}
	orig, err := l.Entry(ctx, tess, charge.ID)
	if err != nil || orig.ReversedBy == nil || *orig.ReversedBy != rev.ID {
		t.Errorf("original entry = %+v, %v; want reversed by %d", orig, err, rev.ID)
	}
	re, err := l.Entry(ctx, tess, rev.ID)
	if err != nil || re.ReversesEntryID == nil || *re.ReversesEntryID != charge.ID || re.Metadata["reason"] != "charged twice" {
		t.Errorf("reversal = %+v, %v", re, err)
	}

	// Undoing a deposit that was already spent would overdraw the bank.
	dep := MustPost(t, l, transfer("deposit", "income:charges", "assets:bank", "50.00", "2026-07-01"))
	MustPost(t, l, transfer("spend", "assets:bank", "expenses:repairs", "30.00", "2026-07-02"))
	if _, err := l.ReverseEntry(ctx, tess, ledger.Reversal{EntryID: dep.ID, Reason: "bounced"}); errorCode(err) != "insufficient_funds" {
		t.Errorf("reversal that overdraws: %v", err)
	}
	mustHoldInvariants(t, l, date("2026-06-02"))
}
