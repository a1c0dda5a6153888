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
	"hearth/finance/equity/charges"
	"hearth/finance/equity/loans"
	"hearth/finance/ledger"
	"hearth/housing/membership"
)

// moveEnv is two sites on a clock the test moves, from 2026-06-01: Harbor
// House at 50 a share and Linden Yard at 40 (limited equity at 0% a year),
// with the default settings (loan-to-value 80%, transfer fee 1%).
type moveEnv struct {
	t      *testing.T
	db     *sqlx.DB
	eq     *equity.Service
	svc    *membership.Service
	today  time.Time
	harbor int64
	linden int64
	boss   *app.Principal // the treasurer, made when first needed
}

func newMoveEnv(t *testing.T) *moveEnv {
	t.Helper()
	db := apptest.NewDB(t)
	e := &moveEnv{t: t, db: db, today: day("2026-06-01")}
	e.eq = equity.New(db, ledger.New(db, "USD"))
	e.eq.Now = func() time.Time { return e.today }
	e.svc = membership.New(db, e.eq, loans.New(e.eq))
	e.harbor = e.site("Harbor House", "50", "0", "2026-06-01")
	e.linden = e.site("Linden Yard", "40", "0", "2026-06-01")
	return e
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// site creates a site priced by a limited-equity policy from today.
func (e *moveEnv) site(name, price, ratePct, baseDate string) int64 {
	e.t.Helper()
	id := apptest.MustCreateSite(e.t, e.db, name, "UTC").ID
	rate := dec(ratePct)
	e.must("policy", func(tx *sqlx.Tx) error {
		_, err := e.eq.SetPolicyTx(context.Background(), tx, equity.NewPolicy{SiteID: id, EffectiveFrom: e.today, Kind: equity.LimitedEquity,
			BasePrice: dec(price), BaseDate: day(baseDate), YearlyRatePct: &rate})
		return err
	})
	return id
}

// readTx reads through an equity …Tx method in a transaction of its own.
func readTx[T any](db *sqlx.DB, fn func(tx *sqlx.Tx) (T, error)) (T, error) {
	var v T
	err := app.InTx(context.Background(), db, func(tx *sqlx.Tx) (err error) {
		v, err = fn(tx)
		return err
	})
	return v, err
}

func (e *moveEnv) must(what string, fn func(tx *sqlx.Tx) error) {
	e.t.Helper()
	if err := app.InTx(context.Background(), e.db, fn); err != nil {
		e.t.Fatalf("%s: %v", what, err)
	}
}

func (e *moveEnv) unit(site int64, name, required string) int64 {
	e.t.Helper()
	id := apptest.MustCreateUnit(e.t, e.db, site, name, "1000.00")
	if _, err := e.db.Exec(`UPDATE units SET required_equity = $2 WHERE id = $1`, id, required); err != nil {
		e.t.Fatal(err)
	}
	return id
}

func (e *moveEnv) member(name string) int64 {
	e.t.Helper()
	return apptest.MustInsertMember(e.t, e.db, name)
}

// as is a member signed in, coordinating the sites given.
func as(member int64, coordinates ...int64) *app.Principal {
	return &app.Principal{Member: app.Member{ID: member, Role: app.RoleMember}, CoordinatorOf: coordinates}
}

// treasurer is the cooperative's treasurer, who decides every move.
func (e *moveEnv) treasurer() *app.Principal {
	e.t.Helper()
	if e.boss == nil {
		m := apptest.MustCreateMember(e.t, e.db, "Tamsin the treasurer", app.RoleAdmin)
		e.boss = &app.Principal{Member: m}
	}
	return e.boss
}

// admit buys a member into a unit today, with a share loan at ratePct.
func (e *moveEnv) admit(member, unit int64, cash, loan, ratePct string) {
	e.t.Helper()
	var site int64
	if err := e.db.Get(&site, `SELECT site_id FROM units WHERE id = $1`, unit); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.svc.Admit(context.Background(), e.treasurer(), membership.AdmitRequest{SiteID: site, UnitID: unit, MemberID: member,
		Date: e.today, Cash: cash, Loan: loan, LoanRatePct: ratePct, IdempotencyKey: fmt.Sprintf("admit-%d", member)}); err != nil {
		e.t.Fatalf("admit: %v", err)
	}
}

// resident admits a new member to a new unit of a site requiring required,
// paid by cash and a loan, and returns the member.
func (e *moveEnv) resident(site int64, name, required, cash, loan, ratePct string) int64 {
	e.t.Helper()
	m := e.member(name)
	e.admit(m, e.unit(site, "Home of "+name, required), cash, loan, ratePct)
	return m
}

// move requests, approves and completes a move on today.
func (e *moveEnv) move(member, unit int64, surplus membership.Surplus, shortfall membership.Shortfall) (membership.Move, error) {
	e.t.Helper()
	ctx := context.Background()
	mv, err := e.svc.RequestMove(ctx, as(member), membership.MoveRequest{QuoteRequest: membership.QuoteRequest{UnitID: unit,
		MoveOn: e.today, Surplus: surplus, Shortfall: shortfall}})
	if err != nil {
		return mv, err
	}
	if _, err := e.svc.ApproveMove(ctx, e.treasurer(), mv.ID); err != nil {
		return mv, err
	}
	return e.svc.CompleteMove(ctx, e.treasurer(), mv.ID)
}

func (e *moveEnv) balance(code string) decimal.Decimal {
	e.t.Helper()
	b, err := ledger.New(e.db, "USD").Balance(context.Background(), code, nil)
	if app.ErrorKind(err) == app.KindNotFound {
		return decimal.Zero
	}
	if err != nil {
		e.t.Fatalf("balance of %s: %v", code, err)
	}
	return b
}

// rows counts what a move writes, to check that a refused one wrote nothing.
func (e *moveEnv) rows() map[string]int {
	e.t.Helper()
	out := map[string]int{}
	for _, table := range []string{"residencies", "share_events", "loans", "loan_changes", "ledger_entries", "move_completions", "unit_vacancies"} {
		var n int
		if err := e.db.Get(&n, `SELECT count(*) FROM `+table); err != nil {
			e.t.Fatal(err)
		}
		out[table] = n
	}
	var ends int
	if err := e.db.Get(&ends, `SELECT count(*) FROM residencies WHERE ends_on IS NOT NULL`); err != nil {
		e.t.Fatal(err)
	}
	out["ended residencies"] = ends
	return out
}

func (e *moveEnv) unchanged(what string, before map[string]int) {
	e.t.Helper()
	for k, n := range e.rows() {
		if n != before[k] {
			e.t.Errorf("%s: %s went from %d to %d rows", what, k, before[k], n)
		}
	}
}

type figures struct {
	fromPrice, shares, value, fee, toPrice, required, issued, issuedValue, payout, cashIn, paydown, loanIncrease string
}

func checkFigures(t *testing.T, what string, got membership.Figures, want figures) {
	t.Helper()
	for _, c := range []struct {
		name string
		got  decimal.Decimal
		want string
	}{
		{"from price", got.FromPrice, want.fromPrice},
		{"shares redeemed", got.SharesRedeemed, want.shares},
		{"value redeemed", got.ValueRedeemed, want.value},
		{"fee", got.Fee, want.fee},
		{"to price", got.ToPrice, want.toPrice},
		{"required equity", got.RequiredEquity, want.required},
		{"shares issued", got.SharesIssued, want.issued},
		{"value issued", got.ValueIssued, want.issuedValue},
		{"payout", got.Payout, want.payout},
		{"cash in", got.CashIn, want.cashIn},
		{"paydown", got.Paydown, want.paydown},
		{"loan increase", got.LoanIncrease, want.loanIncrease},
	} {
		if !c.got.Equal(dec(c.want)) {
			t.Errorf("%s: %s = %s, want %s", what, c.name, c.got, c.want)
		}
	}
	if !got.Conserved() {
		t.Errorf("%s: figures do not conserve value: %+v", what, got)
	}
}

// A member with 800 shares at Harbor (50 a share) and a 30,000 share loan at
// 5.5% moves to a Linden unit that requires 30,000 (40 a share) two weeks
// after buying in, paying the loan down with the surplus:
//
//	value redeemed  800 × 50.000000            = 40,000.00
//	fee             1% of 40,000.00            =    400.00
//	required equity                              30,000.00  (750 shares at 40)
//	surplus         40,000.00 − 400.00 − 30,000.00 = 9,600.00, all paid on the loan
//	interest        30,000 × 5.5% × 14 / 365   =     63.29  (paid first)
//	principal       9,600.00 − 63.29           =  9,536.71
//	loan after      30,000.00 − 9,536.71       = 20,463.29  ≤ 80% × 30,000 = 24,000.00
func TestMovePaysTheLoanDownWithTheSurplus(t *testing.T) {
	t.Parallel()
	e := newMoveEnv(t)
	ctx := context.Background()
	m := e.resident(e.harbor, "Farid", "40000", "10000", "30000", "5.5")
	l3 := e.unit(e.linden, "L3", "30000")
	e.today = day("2026-06-15")

	q, err := e.svc.QuoteMove(ctx, as(m), membership.QuoteRequest{UnitID: l3, MoveOn: day("2026-06-20"), Surplus: membership.SurplusPaydown})
	if err != nil {
		t.Fatal(err)
	}
	want := figures{fromPrice: "50", shares: "800", value: "40000", fee: "400", toPrice: "40", required: "30000", issued: "750",
		issuedValue: "30000", payout: "0", cashIn: "0", paydown: "9600", loanIncrease: "0"}
	checkFigures(t, "quote", q.Figures, want)
	if got, want := q.LoanPayoff, dec("30063.29"); !got.Equal(want) {
		t.Errorf("loan payoff = %s, want %s", got, want)
	}
	if got, want := q.LoanAfter, dec("20463.29"); !got.Equal(want) {
		t.Errorf("loan after = %s, want %s", got, want)
	}
	if got, want := q.LoanLimit, dec("24000"); !got.Equal(want) || !q.WithinLimit() {
		t.Errorf("loan limit = %s (within %v), want %s", got, q.WithinLimit(), want)
	}
	if q.FromPriceDetail == nil || q.FromPriceDetail.Formula == "" {
		t.Errorf("the quote shows no formula for Harbor's price")
	}

	mv, err := e.svc.RequestMove(ctx, as(m), membership.MoveRequest{QuoteRequest: membership.QuoteRequest{UnitID: l3,
		MoveOn: day("2026-06-20"), Surplus: membership.SurplusPaydown}, FromPrice: "50", ToPrice: "40"})
	if err != nil {
		t.Fatal(err)
	}
	if mv.Status != membership.MoveRequested || mv.FromSiteID != e.harbor || mv.SiteID != e.linden {
		t.Errorf("request: %+v", mv)
	}
	checkFigures(t, "request", mv.Figures, want)
	hugo := e.member("Hugo")
	apptest.MustMakeCoordinator(t, e.db, e.linden, hugo)
	coordinator := as(hugo, e.linden)
	if _, err := e.svc.CompleteMove(ctx, coordinator, mv.ID); apptest.Code(err) != "move_not_approved" {
		t.Errorf("complete before approval: %v, want move_not_approved", err)
	}
	if mv, err = e.svc.ApproveMove(ctx, coordinator, mv.ID); err != nil || mv.Status != membership.MoveApproved {
		t.Fatalf("approve: %v (%s)", err, mv.Status)
	}
	if mv.DecidedBy == nil || *mv.DecidedBy != hugo {
		t.Errorf("approved by %v, want Hugo (%d)", mv.DecidedBy, hugo)
	}
	if _, err := e.svc.CompleteMove(ctx, coordinator, mv.ID); apptest.Code(err) != "move_not_due" {
		t.Errorf("complete before the move day: %v, want move_not_due", err)
	}

	e.today = day("2026-06-20") // six more days of interest: 30,000 × 5.5% × 19 / 365 = 85.89
	done, err := e.svc.CompleteMove(ctx, coordinator, mv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if done.Status != membership.MoveCompleted || done.Completion == nil {
		t.Fatalf("completed move: %+v", done)
	}
	if by := done.Completion.CompletedBy; by == nil || *by != hugo {
		t.Errorf("completed by %v, want Hugo (%d)", by, hugo)
	}
	c := *done.Completion
	checkFigures(t, "completion", c.Figures, want)
	if !c.CompletedOn.Equal(e.today) || !c.MoveOn.Equal(day("2026-06-20")) {
		t.Errorf("completed on %s for %s", c.CompletedOn, c.MoveOn)
	}
	loan, err := readTx(e.db, func(tx *sqlx.Tx) (loans.Loan, error) { return e.svc.Loans.ShareLoanOfTx(ctx, tx, m) })
	if err != nil {
		t.Fatal(err)
	}
	if got, want := loan.Principal, dec("20485.89"); !got.Equal(want) || loan.SiteID != e.linden {
		t.Errorf("share loan = %s at site %d, want 30,000 − (9,600 − 85.89) = %s at Linden", got, loan.SiteID, want)
	}
	ma, ha, la := equity.AccountsOfMember(m), equity.AccountsOfSite(e.harbor), equity.AccountsOfSite(e.linden)
	for _, b := range []struct{ code, want string }{
		{ha.SharesPaidIn, "0"},
		{ha.TransferFees, "-400"},
		{la.SharesPaidIn, "-30000"},
		{la.Rounding, "0"},
		{ma.ShareLoan, "20485.89"},
		{ma.Settlement, "0"},
	} {
		if got := e.balance(b.code); !got.Equal(dec(b.want)) {
			t.Errorf("%s = %s, want %s", b.code, got, b.want)
		}
	}
	held, err := readTx(e.db, func(tx *sqlx.Tx) (decimal.Decimal, error) { return e.eq.HoldingAtTx(ctx, tx, e.linden, m) })
	if err != nil || !held.Equal(dec("750")) {
		t.Errorf("shares at Linden = %s (%v), want 750", held, err)
	}
	var homes []struct {
		UnitID int64      `db:"unit_id"`
		Starts time.Time  `db:"starts_on"`
		Ends   *time.Time `db:"ends_on"`
	}
	if err := e.db.Select(&homes, `SELECT unit_id, starts_on, ends_on FROM residencies WHERE member_id = $1 ORDER BY starts_on`, m); err != nil {
		t.Fatal(err)
	}
	if len(homes) != 2 || homes[0].Ends == nil || !homes[0].Ends.Equal(day("2026-06-20")) ||
		homes[1].UnitID != l3 || !homes[1].Starts.Equal(day("2026-06-20")) || homes[1].Ends != nil {
		t.Errorf("residencies: %+v", homes)
	}
	var vacant int
	if err := e.db.Get(&vacant, `SELECT count(*) FROM unit_vacancies WHERE move_id = $1 AND free_from = '2026-06-20'`, mv.ID); err != nil || vacant != 1 {
		t.Errorf("vacancy of the unit left: %d (%v)", vacant, err)
	}

	// Completing again returns the same completion and writes nothing.
	before := e.rows()
	again, err := e.svc.CompleteMove(ctx, coordinator, mv.ID)
	if err != nil || !again.Replayed || again.Completion == nil || again.Completion.StartedResidencyID != c.StartedResidencyID {
		t.Errorf("second completion: %v, replayed %v", err, again.Replayed)
	}
	e.unchanged("second completion", before)
	if _, err := e.svc.WithdrawMove(ctx, as(m), mv.ID); apptest.Code(err) != "move_closed" {
		t.Errorf("withdraw a completed move: %v, want move_closed", err)
	}
}

// The other settlements, figured by hand:
//
//   - payout: 800 shares at 50 = 40,000.00, fee 400.00, Linden requires
//     30,000.00: 9,600.00 paid out (no loan);
//   - shortfall by loan: Linden requires 45,000.00 (1,125 shares at 40):
//     45,000.00 − 39,600.00 = 5,400.00 added to a 30,000 loan at 0% =
//     35,400.00 ≤ 80% × 45,000 = 36,000.00;
//   - shortfall in cash with rounding: a unit at 50,000.00 a share requires
//     30,000.03, which buys 0.600000 shares worth 30,000.00; 0.03 goes to the
//     rounding account, and 30,000.03 − 39,600.00 < 0 means a 9,599.97 payout.
func TestMoveSettlements(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name                string
		loan                string
		price, required     string
		surplus             membership.Surplus
		shortfall           membership.Shortfall
		want                figures
		loanAfter, rounding string
	}{
		{"surplus paid out", "0", "40", "30000", membership.SurplusPayout, membership.ShortfallCash,
			figures{"50", "800", "40000", "400", "40", "30000", "750", "30000", "9600", "0", "0", "0"}, "0", "0"},
		{"paydown without a loan pays out", "0", "40", "30000", membership.SurplusPaydown, membership.ShortfallCash,
			figures{"50", "800", "40000", "400", "40", "30000", "750", "30000", "9600", "0", "0", "0"}, "0", "0"},
		{"shortfall added to the loan", "30000", "40", "45000", membership.SurplusPayout, membership.ShortfallLoan,
			figures{"50", "800", "40000", "400", "40", "45000", "1125", "45000", "0", "0", "0", "5400"}, "35400", "0"},
		{"shortfall paid in cash", "30000", "40", "45000", membership.SurplusPayout, membership.ShortfallCash,
			figures{"50", "800", "40000", "400", "40", "45000", "1125", "45000", "0", "5400", "0", "0"}, "30000", "0"},
		{"rounding to the destination", "0", "50000", "30000.03", membership.SurplusPayout, membership.ShortfallCash,
			figures{"50", "800", "40000", "400", "50000", "30000.03", "0.6", "30000", "9599.97", "0", "0", "0"}, "0", "-0.03"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newMoveEnv(t)
			to := e.linden
			if tc.price != "40" {
				to = e.site("Oak Row", tc.price, "0", "2026-06-01")
			}
			cash := dec("40000").Sub(dec(tc.loan)).String()
			m := e.resident(e.harbor, "Ines", "40000", cash, tc.loan, "0")
			unit := e.unit(to, "New home", tc.required)
			e.today = day("2026-07-01")
			bank := e.balance(equity.AccountBank)
			mv, err := e.move(m, unit, tc.surplus, tc.shortfall)
			if err != nil {
				t.Fatal(err)
			}
			checkFigures(t, "completion", mv.Completion.Figures, tc.want)
			ma := equity.AccountsOfMember(m)
			if got := e.balance(ma.ShareLoan); !got.Equal(dec(tc.loanAfter)) {
				t.Errorf("share loan = %s, want %s", got, tc.loanAfter)
			}
			if got := e.balance(equity.AccountsOfSite(to).Rounding); !got.Equal(dec(tc.rounding)) {
				t.Errorf("rounding = %s, want %s", got, tc.rounding)
			}
			f := mv.Completion.Figures
			// The bank pays the payout, receives the cash, passes a paydown on
			// to the credit union and a loan increase through from it.
			wantBank := bank.Sub(f.Payout).Add(f.CashIn).Sub(f.Paydown).Add(f.LoanIncrease)
			if got := e.balance(equity.AccountBank); !got.Equal(wantBank) {
				t.Errorf("bank = %s, want %s", got, wantBank)
			}
			if got := e.balance(ma.Settlement); !got.IsZero() {
				t.Errorf("settlement = %s, want 0", got)
			}
		})
	}
}

func TestMoveRefusals(t *testing.T) {
	t.Parallel()
	e := newMoveEnv(t)
	ctx := context.Background()
	m := e.resident(e.harbor, "Elena", "40000", "10000", "30000", "0")
	neighbour := e.resident(e.linden, "Jonas", "20000", "20000", "0", "0")
	homeless := e.member("Liam")
	free := e.unit(e.linden, "L5", "30000")
	var taken int64
	if err := e.db.Get(&taken, `SELECT unit_id FROM residencies WHERE member_id = $1`, neighbour); err != nil {
		t.Fatal(err)
	}
	sameSite := e.unit(e.harbor, "H4", "10000")
	e.today = day("2026-07-01")
	before := e.rows()
	for _, tc := range []struct {
		name string
		req  membership.MoveRequest
		code string
	}{
		{"into an occupied unit", membership.MoveRequest{QuoteRequest: membership.QuoteRequest{UnitID: taken}}, "unit_taken"},
		{"to the site one lives at", membership.MoveRequest{QuoteRequest: membership.QuoteRequest{UnitID: sameSite}}, "same_site"},
		{"by someone who lives nowhere", membership.MoveRequest{QuoteRequest: membership.QuoteRequest{MemberID: homeless}}, "no_home"},
		{"beyond the loan-to-value limit", membership.MoveRequest{QuoteRequest: membership.QuoteRequest{Surplus: membership.SurplusPayout}}, "beyond_loan_to_value"},
		{"with a stale price", membership.MoveRequest{QuoteRequest: membership.QuoteRequest{Surplus: membership.SurplusPaydown}, FromPrice: "49.50"}, "stale_quote"},
		{"with a price of more than six places", membership.MoveRequest{QuoteRequest: membership.QuoteRequest{Surplus: membership.SurplusPaydown}, FromPrice: "50.0000001"}, "too_many_places"},
		{"with a price that is not a number", membership.MoveRequest{QuoteRequest: membership.QuoteRequest{Surplus: membership.SurplusPaydown}, ToPrice: "4e1"}, "invalid_amount"},
		{"in the past", membership.MoveRequest{QuoteRequest: membership.QuoteRequest{MoveOn: day("2026-06-30"), Surplus: membership.SurplusPaydown}}, "move_date_in_past"},
		{"too far ahead", membership.MoveRequest{QuoteRequest: membership.QuoteRequest{MoveOn: day("2026-07-01").AddDate(0, 0, 181), Surplus: membership.SurplusPaydown}}, "move_date_too_far"},
		{"an unknown surplus choice", membership.MoveRequest{QuoteRequest: membership.QuoteRequest{Surplus: "gift"}}, "invalid_surplus_choice"},
		{"to no such unit", membership.MoveRequest{QuoteRequest: membership.QuoteRequest{UnitID: 999999}}, "unit_not_found"},
		{"to no unit", membership.MoveRequest{QuoteRequest: membership.QuoteRequest{UnitID: -1}}, "invalid_unit"},
	} {
		if tc.req.MemberID == 0 {
			tc.req.MemberID = m
		}
		if tc.req.UnitID == 0 {
			tc.req.UnitID = free
		}
		if tc.req.MoveOn.IsZero() {
			tc.req.MoveOn = e.today
		}
		if _, err := e.svc.RequestMove(ctx, as(tc.req.MemberID), tc.req); apptest.Code(err) != tc.code {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
		}
	}
	var requests int
	if err := e.db.Get(&requests, `SELECT count(*) FROM move_requests`); err != nil || requests != 0 {
		t.Errorf("refused requests wrote %d move requests (%v)", requests, err)
	}
	e.unchanged("refused requests", before)

	// One open request at a time; a declined one can be asked again.
	req := membership.MoveRequest{QuoteRequest: membership.QuoteRequest{MemberID: m, UnitID: free, MoveOn: e.today, Surplus: membership.SurplusPaydown}}
	first, err := e.svc.RequestMove(ctx, as(m), req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.RequestMove(ctx, as(m), req); apptest.Code(err) != "move_pending" {
		t.Errorf("second open request: %v, want move_pending", err)
	}
	lindenCoordinator := as(neighbour, e.linden)
	declined, err := e.svc.DeclineMove(ctx, lindenCoordinator, first.ID, "The unit is promised to the waitlist.")
	if err != nil || declined.Status != membership.MoveDeclined || declined.DeclineReason == "" {
		t.Fatalf("decline: %v (%+v)", err, declined)
	}
	if _, err := e.svc.ApproveMove(ctx, lindenCoordinator, first.ID); apptest.Code(err) != "move_closed" {
		t.Errorf("approve a declined move: %v, want move_closed", err)
	}
	if _, err := e.svc.CompleteMove(ctx, e.treasurer(), first.ID); apptest.Code(err) != "move_closed" {
		t.Errorf("complete a declined move: %v, want move_closed", err)
	}
	second, err := e.svc.RequestMove(ctx, as(m), req)
	if err != nil {
		t.Fatal(err)
	}
	if w, err := e.svc.WithdrawMove(ctx, as(m), second.ID); err != nil || w.Status != membership.MoveWithdrawn {
		t.Errorf("withdraw: %v (%s)", err, w.Status)
	}
	e.unchanged("declined and withdrawn requests", before)

	// Once July's carrying charges are posted, on its last day, a move can
	// no longer be dated in July.
	e.today = day("2026-07-31")
	if _, err := charges.New(e.eq, e.svc.Loans).RunScheduledCharges(ctx, e.today); err != nil {
		t.Fatal(err)
	}
	req.MoveOn = e.today
	if _, err := e.svc.RequestMove(ctx, as(m), req); apptest.Code(err) != "move_month_charged" {
		t.Errorf("a move in a charged month: %v, want move_month_charged", err)
	}
}

// A request is made at one price; on the anniversary of Harbor's base
// date its price grows by 2%, and completing at the old quote is refused
// until the member confirms the new figures.
func TestMoveWithAStaleQuote(t *testing.T) {
	t.Parallel()
	e := newMoveEnv(t)
	ctx := context.Background()
	oak := e.site("Oak Row", "50", "2", "2025-06-20") // 50 until 2026-06-20, then 51
	m := e.resident(oak, "Grace", "40000", "40000", "0", "0")
	l5 := e.unit(e.linden, "L5", "30000")
	e.today = day("2026-06-15")
	mv, err := e.svc.RequestMove(ctx, as(m), membership.MoveRequest{QuoteRequest: membership.QuoteRequest{UnitID: l5, MoveOn: day("2026-06-22")}})
	if err != nil {
		t.Fatal(err)
	}
	if !mv.ValueRedeemed.Equal(dec("40000")) {
		t.Fatalf("value redeemed = %s, want 800 × 50", mv.ValueRedeemed)
	}
	if _, err := e.svc.ApproveMove(ctx, e.treasurer(), mv.ID); err != nil {
		t.Fatal(err)
	}
	e.today = day("2026-06-22")
	before := e.rows()
	if _, err := e.svc.CompleteMove(ctx, e.treasurer(), mv.ID); apptest.Code(err) != "stale_quote" {
		t.Fatalf("complete at a stale quote: %v, want stale_quote", err)
	}
	e.unchanged("stale completion", before)
	d, err := e.svc.MoveDetail(ctx, as(m), mv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if now := d.Current; now == nil || !d.Stale || !now.FromPrice.Equal(dec("51")) || !now.ValueRedeemed.Equal(dec("40800")) {
		t.Errorf("current quote: stale %v, %+v; want stale at 51 for 40,800", d.Stale, now)
	}
	if _, err := e.svc.ConfirmMove(ctx, as(m), mv.ID, membership.Confirm{FromPrice: "50"}); apptest.Code(err) != "stale_quote" {
		t.Errorf("confirm at the price seen before: %v, want stale_quote", err)
	}
	confirmed, err := e.svc.ConfirmMove(ctx, as(m), mv.ID, membership.Confirm{FromPrice: "51", ToPrice: "40"})
	if err != nil {
		t.Fatal(err)
	}
	if confirmed.Status != membership.MoveApproved || !confirmed.Payout.Equal(dec("10392")) {
		t.Errorf("confirmed: %s, payout %s; want approved, 40,800 − 408 − 30,000 = 10,392", confirmed.Status, confirmed.Payout)
	}
	done, err := e.svc.CompleteMove(ctx, e.treasurer(), mv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !done.Completion.Payout.Equal(dec("10392")) {
		t.Errorf("payout = %s, want 10392", done.Completion.Payout)
	}
}

// Twenty members, each with an approved request for the same unit,
// complete at once: exactly one moves in, the others are told the unit is
// taken, and only the winner's money moved.
func TestRacingMovesToOneUnit(t *testing.T) {
	t.Parallel()
	e := newMoveEnv(t)
	ctx := context.Background()
	const n = 20
	l5 := e.unit(e.linden, "L5", "30000")
	members := make([]int64, n)
	for i := range members {
		members[i] = e.resident(e.harbor, fmt.Sprintf("Racer %d", i), "40000", "40000", "0", "0")
	}
	e.today = day("2026-07-01")
	moves := make([]int64, n)
	for i, m := range members {
		mv, err := e.svc.RequestMove(ctx, as(m), membership.MoveRequest{QuoteRequest: membership.QuoteRequest{UnitID: l5, MoveOn: e.today}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.ApproveMove(ctx, e.treasurer(), mv.ID); err != nil {
			t.Fatal(err)
		}
		moves[i] = mv.ID
	}
	bank := e.balance(equity.AccountBank)
	boss := e.treasurer()
	codes := make([]string, n)
	var wg sync.WaitGroup
	for i := range moves {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, err := e.svc.CompleteMove(ctx, boss, moves[i])
			codes[i] = apptest.Code(err)
		}(i)
	}
	wg.Wait()
	winner := -1
	for i, c := range codes {
		switch c {
		case "":
			if winner >= 0 {
				t.Errorf("racers %d and %d both moved in", winner, i)
			}
			winner = i
		case "unit_taken":
		default:
			t.Errorf("racer %d: %s, want success or unit_taken", i, c)
		}
	}
	if winner < 0 {
		t.Fatal("nobody moved in")
	}
	for table, want := range map[string]int{"move_completions": 1, "unit_vacancies": 1} {
		var got int
		if err := e.db.Get(&got, `SELECT count(*) FROM `+table); err != nil || got != want {
			t.Errorf("%s has %d rows (%v), want %d", table, got, err, want)
		}
	}
	var moved int
	if err := e.db.Get(&moved, `SELECT count(*) FROM share_events WHERE kind IN ('move_out', 'move_in')`); err != nil || moved != 2 {
		t.Errorf("%d move share events (%v), want the winner's 2", moved, err)
	}
	// The winner's surplus alone left the bank: 40,000 − 400 − 30,000.
	if got, want := e.balance(equity.AccountBank), bank.Sub(dec("9600")); !got.Equal(want) {
		t.Errorf("bank = %s, want %s", got, want)
	}

	// The winner's move completed twenty times at once is still one move.
	codes = make([]string, n)
	completions := make([]int64, n)
	for i := range codes {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			mv, err := e.svc.CompleteMove(ctx, boss, moves[winner])
			codes[i] = apptest.Code(err)
			if err == nil {
				completions[i] = mv.Completion.StartedResidencyID
			}
		}(i)
	}
	wg.Wait()
	for i := range codes {
		if codes[i] != "" || completions[i] == 0 || completions[i] != completions[0] {
			t.Errorf("repeat %d: %q, residency %d", i, codes[i], completions[i])
		}
	}
}

// Requesting twice with one idempotency key makes one request; the same key
// for another request is refused.
func TestMoveRequestIdempotency(t *testing.T) {
	t.Parallel()
	e := newMoveEnv(t)
	ctx := context.Background()
	m := e.resident(e.harbor, "Ben", "40000", "40000", "0", "0")
	l5 := e.unit(e.linden, "L5", "30000")
	e.today = day("2026-07-01")
	req := membership.MoveRequest{QuoteRequest: membership.QuoteRequest{MemberID: m, UnitID: l5, MoveOn: e.today}, IdempotencyKey: "ben-to-l5"}
	first, err := e.svc.RequestMove(ctx, as(m), req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.svc.RequestMove(ctx, as(m), req)
	if err != nil || again.ID != first.ID || !again.Replayed {
		t.Errorf("replay: %v, move %d (replayed %v), want %d", err, again.ID, again.Replayed, first.ID)
	}
	req.MoveOn = e.today.AddDate(0, 0, 1)
	if _, err := e.svc.RequestMove(ctx, as(m), req); apptest.Code(err) != "idempotency_key_reused" {
		t.Errorf("same key, other day: %v, want idempotency_key_reused", err)
	}
}
