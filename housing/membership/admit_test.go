package membership_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/shopspring/decimal"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/finance/equity"
	"hearth/finance/equity/loans"
	"hearth/finance/ledger"
	"hearth/housing/membership"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// admitEnv is a site priced at 50 a share (limited equity at 0%) with a
// unit that asks 40,000 of equity, on 2026-06-01.
type admitEnv struct {
	db    *sqlx.DB
	eq    *equity.Service
	svc   *membership.Service
	site  int64
	unit  int64
	coord *app.Principal // the site's coordinator
}

func newAdmitEnv(t *testing.T) admitEnv {
	t.Helper()
	db := apptest.NewDB(t)
	eq := equity.New(db, ledger.New(db, "USD"))
	today := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	eq.Now = func() time.Time { return today }
	site := apptest.MustCreateSite(t, db, "Linden Yard", "Europe/Berlin").ID
	unit := apptest.MustCreateUnit(t, db, site, "L5", "1240.00")
	if _, err := db.Exec(`UPDATE units SET required_equity = 40000 WHERE id = $1`, unit); err != nil {
		t.Fatal(err)
	}
	zero := dec("0")
	err := app.InTx(context.Background(), db, func(tx *sqlx.Tx) error {
		_, err := eq.SetPolicyTx(context.Background(), tx, equity.NewPolicy{SiteID: site, EffectiveFrom: today, Kind: equity.LimitedEquity,
			BasePrice: dec("50"), YearlyRatePct: &zero})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	grace := apptest.MustCreateMember(t, db, "Grace Kim", app.RoleMember)
	apptest.MustMakeCoordinator(t, db, site, grace.ID)
	return admitEnv{db: db, eq: eq, svc: membership.New(db, eq, loans.New(eq)), site: site, unit: unit,
		coord: &app.Principal{Member: grace, CoordinatorOf: []int64{site}}}
}

func (e admitEnv) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := e.db.Get(&n, `SELECT count(*) FROM `+table); err != nil {
		t.Fatal(err)
	}
	return n
}

func (e admitEnv) balance(t *testing.T, code string) decimal.Decimal {
	t.Helper()
	b, err := ledger.New(e.db, "USD").Balance(context.Background(), code, nil)
	if err != nil {
		t.Fatalf("balance of %s: %v", code, err)
	}
	return b
}

func TestAdmitBuysInWithCashAndLoan(t *testing.T) {
	t.Parallel()
	e := newAdmitEnv(t)
	ctx := context.Background()
	m := apptest.MustCreateMember(t, e.db, "Liam O'Connor", app.RoleMember)
	req := membership.AdmitRequest{SiteID: e.site, UnitID: e.unit, MemberID: m.ID, Date: time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC),
		Cash: "10000", Loan: "30000", QuotedPrice: "50", IdempotencyKey: "liam-l5"}
	a, err := e.svc.Admit(ctx, e.coord, req)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := a.Quantity, dec("800"); !got.Equal(want) {
		t.Errorf("shares = %s, want 40,000 / 50 = %s", got, want)
	}
	if a.LoanID == nil {
		t.Fatal("no share loan was opened")
	}
	loan, err := e.svc.Loans.Loan(ctx, &app.Principal{Member: app.Member{Role: app.RoleAdmin}}, *a.LoanID)
	if err != nil {
		t.Fatal(err)
	}
	if !loan.Principal.Equal(dec("30000")) || loan.Months != 300 || !loan.YearlyRatePct.Equal(dec("5.5")) {
		t.Errorf("share loan %s at %s%% over %d months, want 30000 at the settings' 5.5%% over 300", loan.Principal, loan.YearlyRatePct, loan.Months)
	}
	ma, sa := equity.AccountsOfMember(m.ID), equity.AccountsOfSite(e.site)
	for _, c := range []struct {
		code string
		want string
	}{
		{equity.AccountBank, "40000"},
		{equity.AccountShareLoanFunding, "-30000"},
		{ma.ShareLoan, "30000"},
		{ma.Settlement, "0"},
		{sa.SharesPaidIn, "-40000"},
	} {
		if got := e.balance(t, c.code); !got.Equal(dec(c.want)) {
			t.Errorf("%s = %s, want %s", c.code, got, c.want)
		}
	}

	// The same request again returns the same admission and writes nothing.
	before := e.count(t, "ledger_entries")
	again, err := e.svc.Admit(ctx, e.coord, req)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Replayed || again.ID != a.ID {
		t.Errorf("replay: got admission %d (replayed %v), want %d", again.ID, again.Replayed, a.ID)
	}
	if got := e.count(t, "ledger_entries"); got != before {
		t.Errorf("replay wrote %d ledger entries", got-before)
	}
	req.Cash, req.Loan = "40000", "0"
	if _, err := e.svc.Admit(ctx, e.coord, req); apptest.Code(err) != "idempotency_key_reused" {
		t.Errorf("same key, other request: %v, want idempotency_key_reused", err)
	}
}

func TestAdmitRefusals(t *testing.T) {
	t.Parallel()
	e := newAdmitEnv(t)
	ctx := context.Background()
	m := apptest.MustCreateMember(t, e.db, "Kemi Adeyemi", app.RoleMember)
	june := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	elsewhere := apptest.MustCreateSite(t, e.db, "Elm Court", "UTC").ID
	other := apptest.MustCreateUnit(t, e.db, elsewhere, "E1", "900.00")
	if _, err := e.db.Exec(`UPDATE units SET required_equity = 40000 WHERE id = $1`, other); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		req  membership.AdmitRequest
		code string
	}{
		{"beyond the loan-to-value limit", membership.AdmitRequest{Cash: "7999.99", Loan: "32000.01"}, "beyond_loan_to_value"},
		{"stale price", membership.AdmitRequest{Cash: "40000", QuotedPrice: "48.50"}, "price_changed"},
		{"cash and loan short of the required equity", membership.AdmitRequest{Cash: "20000", Loan: "10000"}, "payment_mismatch"},
		{"negative cash", membership.AdmitRequest{Cash: "-1", Loan: "40001"}, "amount_negative"},
		{"cash in fractions of a cent", membership.AdmitRequest{Cash: "39999.995", Loan: "0.005"}, "too_many_places"},
		{"cash written with an exponent", membership.AdmitRequest{Cash: "4e4"}, "invalid_amount"},
		{"a price of more than six places", membership.AdmitRequest{Cash: "40000", QuotedPrice: "50.0000001"}, "too_many_places"},
		{"move-in in the past", membership.AdmitRequest{Cash: "40000", Date: june.AddDate(0, 0, -1)}, "move_in_in_past"},
		{"no such unit", membership.AdmitRequest{UnitID: 999999, Cash: "40000"}, "unit_not_found"},
		{"no unit chosen", membership.AdmitRequest{UnitID: -1, Cash: "40000"}, "unit_required"},
		{"a unit of another site", membership.AdmitRequest{UnitID: other, Cash: "40000"}, "unit_not_found"},
	} {
		tc.req.SiteID, tc.req.MemberID, tc.req.IdempotencyKey = e.site, m.ID, tc.name
		if tc.req.UnitID == 0 {
			tc.req.UnitID = e.unit
		}
		if tc.req.Date.IsZero() {
			tc.req.Date = june
		}
		if _, err := e.svc.Admit(ctx, e.coord, tc.req); apptest.Code(err) != tc.code {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
		}
	}
	for _, table := range []string{"residencies", "share_events", "loans", "admissions", "ledger_entries"} {
		if n := e.count(t, table); n != 0 {
			t.Errorf("refused admissions wrote %d rows to %s", n, table)
		}
	}
}

// Ten members race for one free unit: exactly one is admitted, the others
// are told it is occupied, and only the winner's money moved.
func TestRacingAdmissionsToOneUnit(t *testing.T) {
	t.Parallel()
	e := newAdmitEnv(t)
	const n = 10
	members := make([]int64, n)
	for i := range members {
		members[i] = apptest.MustCreateMember(t, e.db, fmt.Sprintf("Racer %d", i), app.RoleMember).ID
	}
	var wg sync.WaitGroup
	codes := make([]string, n)
	for i := range members {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, err := e.svc.Admit(context.Background(), e.coord, membership.AdmitRequest{SiteID: e.site, UnitID: e.unit, MemberID: members[i],
				Cash: "20000", Loan: "20000", IdempotencyKey: fmt.Sprintf("race-%d", i)})
			codes[i] = apptest.Code(err)
		}(i)
	}
	wg.Wait()
	wins := 0
	for i, c := range codes {
		switch c {
		case "":
			wins++
		case "unit_occupied":
		default:
			t.Errorf("racer %d: %s, want success or unit_occupied", i, c)
		}
	}
	if wins != 1 {
		t.Errorf("%d admissions won, want exactly 1", wins)
	}
	for table, want := range map[string]int{"residencies": 1, "share_events": 1, "loans": 1, "admissions": 1} {
		if got := e.count(t, table); got != want {
			t.Errorf("%s has %d rows, want %d", table, got, want)
		}
	}
	if got := e.balance(t, equity.AccountBank); !got.Equal(dec("40000")) {
		t.Errorf("bank = %s, want the winner's 40000", got)
	}
}
