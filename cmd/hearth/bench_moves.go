package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/shopspring/decimal"

	"hearth/app"
	"hearth/finance/equity"
	"hearth/finance/equity/loans"
	"hearth/housing/membership"
)

// Moves benchmark sizes: moves one after another through the Go API and
// through HTTP, and moves made by several members at once.
const (
	moveBenchSequential = 200
	moveBenchHTTP       = 100
	moveBenchParallel   = 200
	moveBenchWorkers    = 8
)

// benchMoves measures a move end to end (request, approve, complete): its
// median and 95th percentile through the Go API, phase by phase, and
// through HTTP; then the rate of moves when eight members move at once.
// Every move leaves a net-asset-value site, whose residents bought in
// yesterday (half with a share loan), for a limited-equity site whose units
// ask either less (a surplus, paid out or paying the loan down) or more
// (a shortfall, paid in cash or lent).
func benchMoves(ctx context.Context, b *benchEnv) error {
	today := equity.Day(time.Now())
	clock := today.AddDate(0, 0, -1)
	// Its own equity service: the moves are dated yesterday, so its clock is too.
	eq := equity.New(b.db, b.svc.Ledger)
	eq.Now = func() time.Time { return clock }
	svc := membership.New(b.db, eq, loans.New(eq))
	total := moveBenchSequential + moveBenchHTTP + moveBenchParallel
	w, err := benchMoveWorld(ctx, b.db, eq, total, clock)
	if err != nil {
		return fmt.Errorf("the bench world: %w", err)
	}
	clock = today

	fmt.Fprintln(b.out, "| measure | what | median | p95 |")
	fmt.Fprintln(b.out, "| --- | --- | ---: | ---: |")
	phases := make([][]time.Duration, 4) // request, approve, complete, all three
	for i := range moveBenchSequential {
		took, err := w.moveGo(ctx, svc, i)
		if err != nil {
			return err
		}
		for k := range phases {
			phases[k] = append(phases[k], took[k])
		}
	}
	for _, row := range []struct {
		k             int
		measure, what string
	}{
		{3, "move end to end through the Go API", fmt.Sprintf("request, approve, complete; %d moves one after another", moveBenchSequential)},
		{0, "… request", "quote at today's prices and record it"},
		{1, "… approve", "a coordinator of the destination"},
		{2, "… complete", "one transaction: residencies, redemption and fee, loan change, issue, checks"},
	} {
		med, p95 := medianAndP95(phases[row.k])
		fmt.Fprintf(b.out, "| %s | %s | %.1f ms | %.1f ms |\n", row.measure, row.what, ms(med), ms(p95))
	}

	base, err := b.serverURL()
	if err != nil {
		return err
	}
	accounts := b.svc.Accounts
	coordinator, err := accounts.IssueToken(ctx, w.coordinator, "hearth bench")
	if err != nil {
		return err
	}
	var httpTimes []time.Duration
	for i := moveBenchSequential; i < moveBenchSequential+moveBenchHTTP; i++ {
		token, err := accounts.IssueToken(ctx, w.members[i], "hearth bench")
		if err != nil {
			return err
		}
		start := time.Now()
		if err := w.moveHTTP(base, token, coordinator, i); err != nil {
			return err
		}
		httpTimes = append(httpTimes, time.Since(start))
	}
	med, p95 := medianAndP95(httpTimes)
	fmt.Fprintf(b.out, "| move end to end through HTTP | POST /moves, /approve, /complete; %d moves one after another | %.1f ms | %.1f ms |\n", moveBenchHTTP, ms(med), ms(p95))

	var (
		mu       sync.Mutex
		firstErr error
		times    []time.Duration
		next     = moveBenchSequential + moveBenchHTTP
		wg       sync.WaitGroup
	)
	start := time.Now()
	for range moveBenchWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= total {
					return
				}
				took, err := w.moveGo(ctx, svc, i)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				times = append(times, took[3])
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	elapsed := time.Since(start)
	med, p95 = medianAndP95(times)
	fmt.Fprintf(b.out, "| %d members moving at once through the Go API | %d moves in %.2f s: %.0f moves/s | %.1f ms | %.1f ms |\n",
		moveBenchWorkers, moveBenchParallel, elapsed.Seconds(), float64(moveBenchParallel)/elapsed.Seconds(), ms(med), ms(p95))

	var unbalanced decimal.Decimal
	if err := b.db.GetContext(ctx, &unbalanced, `
		SELECT coalesce(sum(value_redeemed - fee - required_equity - payout + cash_in - paydown + loan_increase), 0) FROM move_completions`); err != nil {
		return err
	}
	tb, err := b.svc.Ledger.TrialBalance(ctx, &app.Principal{Member: app.Member{Role: app.RoleAdmin}}, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(b.out, "| afterwards | value not conserved over all %d moves; trial balance | %s | %s |\n", total, unbalanced.StringFixed(2), tb.Total.StringFixed(2))
	return nil
}

// moveBenchWorld is what the moves benchmark moves between.
type moveBenchWorld struct {
	members     []int64 // residents of the first site, in the order they move
	units       []int64 // free units at the second site, one per mover
	coordinator int64   // coordinates the second site
	site        int64   // the second site
}

// benchMoveWorld builds the two sites on the day before the moves: n
// residents at a net-asset-value site with a mortgage and an appraisal, who
// bought in for 40,000 each, every other one with a 20,000 share loan; and
// n free units at a limited-equity site asking 30,000 or 45,000.
func benchMoveWorld(ctx context.Context, db *sqlx.DB, eq *equity.Service, n int, yesterday time.Time) (*moveBenchWorld, error) {
	w := &moveBenchWorld{}
	err := app.InTx(ctx, db, func(tx *sqlx.Tx) error {
		var harbor, linden int64
		if err := tx.GetContext(ctx, &harbor, `INSERT INTO sites (name, timezone) VALUES ('Bench Harbor', 'UTC') RETURNING id`); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &linden, `INSERT INTO sites (name, timezone) VALUES ('Bench Linden', 'UTC') RETURNING id`); err != nil {
			return err
		}
		if err := tx.SelectContext(ctx, &w.members, `
			INSERT INTO members (email, name, password_hash)
			SELECT 'mover' || k || '@bench.example', 'Mover ' || k, 'not a hash: benchmark members sign in by token'
			FROM generate_series(0, $1 - 1) k ORDER BY k RETURNING id`, n); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &w.coordinator, `
			INSERT INTO members (email, name, password_hash) VALUES ('coordinator@bench.example', 'Linden coordinator', 'not a hash') RETURNING id`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO site_coordinators (site_id, member_id) VALUES ($1, $2)`, linden, w.coordinator); err != nil {
			return err
		}
		w.site = linden
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO units (site_id, name, monthly_charge, required_equity)
			SELECT $1::bigint, 'H' || k, 1100, 40000 FROM generate_series(0, $3 - 1) k
			UNION ALL
			SELECT $2::bigint, 'L' || k, 1200, CASE WHEN k % 2 = 0 THEN 30000 ELSE 45000 END FROM generate_series(0, $3 - 1) k`,
			harbor, linden, n); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO residencies (site_id, unit_id, member_id, starts_on)
			SELECT $1, u.id, m.id, $3::date - 60
			FROM (SELECT id, row_number() OVER (ORDER BY id) AS k FROM units WHERE site_id = $1) u
			JOIN (SELECT id, row_number() OVER (ORDER BY id) AS k FROM unnest($2::bigint[]) AS id) m USING (k)`,
			harbor, pq.Array(w.members), yesterday.Format(time.DateOnly)); err != nil {
			return err
		}
		if err := tx.SelectContext(ctx, &w.units, `SELECT id FROM units WHERE site_id = $1 ORDER BY id`, linden); err != nil {
			return err
		}
		zero := decimal.Zero
		if _, err := eq.SetPolicyTx(ctx, tx, equity.NewPolicy{SiteID: harbor, EffectiveFrom: yesterday, Kind: equity.NetAssetValue, BasePrice: decimal.NewFromInt(100)}); err != nil {
			return err
		}
		if _, err := eq.SetPolicyTx(ctx, tx, equity.NewPolicy{SiteID: linden, EffectiveFrom: yesterday, Kind: equity.LimitedEquity,
			BasePrice: decimal.NewFromInt(40), YearlyRatePct: &zero}); err != nil {
			return err
		}
		if _, err := loans.New(eq).CreateMortgageTx(ctx, tx, loans.NewMortgage{SiteID: harbor, Principal: decimal.NewFromInt(2_000_000),
			YearlyRatePct: decimal.RequireFromString("4.5"), Months: 300, IdempotencyKey: "bench:moves:mortgage"}); err != nil {
			return err
		}
		if _, err := eq.RecordAppraisalTx(ctx, tx, equity.NewAppraisal{SiteID: harbor, Amount: decimal.NewFromInt(2_400_000)}); err != nil {
			return err
		}
		for i, m := range w.members {
			cash := decimal.NewFromInt(40000)
			if i%2 == 1 {
				cash = decimal.NewFromInt(20000)
				if _, err := loans.New(eq).ChangeShareLoanTx(ctx, tx, loans.LoanChange{MemberID: m, SiteID: harbor, Delta: decimal.NewFromInt(20000),
					IdempotencyKey: fmt.Sprintf("bench:moves:loan:%d", m)}); err != nil {
					return err
				}
			}
			if _, err := eq.IssueSharesTx(ctx, tx, equity.IssueRequest{SiteID: harbor, MemberID: m, Kind: equity.BuyIn, Amount: decimal.NewFromInt(40000),
				Cash: cash, IdempotencyKey: fmt.Sprintf("bench:moves:buy-in:%d", m)}); err != nil {
				return err
			}
		}
		return nil
	})
	return w, err
}

// choices of mover i: every combination of surplus and shortfall choices
// in turn.
func (w *moveBenchWorld) choices(i int) (membership.Surplus, membership.Shortfall) {
	surplus, shortfall := membership.SurplusPayout, membership.ShortfallCash
	if i/2%2 == 1 {
		surplus, shortfall = membership.SurplusPaydown, membership.ShortfallLoan
	}
	return surplus, shortfall
}

// moveGo moves resident i through the Go API and returns how long the
// request, the approval, the completion and all three took.
func (w *moveBenchWorld) moveGo(ctx context.Context, svc *membership.Service, i int) ([4]time.Duration, error) {
	var took [4]time.Duration
	surplus, shortfall := w.choices(i)
	start := time.Now()
	mover := &app.Principal{Member: app.Member{ID: w.members[i]}}
	coordinator := &app.Principal{Member: app.Member{ID: w.coordinator}, CoordinatorOf: []int64{w.site}}
	mv, err := svc.RequestMove(ctx, mover, membership.MoveRequest{QuoteRequest: membership.QuoteRequest{UnitID: w.units[i],
		MoveOn: svc.Equity.Today(), Surplus: surplus, Shortfall: shortfall}})
	if err != nil {
		return took, fmt.Errorf("request of mover %d: %w", i, err)
	}
	requested := time.Now()
	if _, err := svc.ApproveMove(ctx, coordinator, mv.ID); err != nil {
		return took, fmt.Errorf("approval of mover %d: %w", i, err)
	}
	approved := time.Now()
	if _, err := svc.CompleteMove(ctx, coordinator, mv.ID); err != nil {
		return took, fmt.Errorf("move of mover %d: %w", i, err)
	}
	done := time.Now()
	took = [4]time.Duration{requested.Sub(start), approved.Sub(requested), done.Sub(approved), done.Sub(start)}
	return took, nil
}

// moveHTTP moves resident i through the JSON API.
func (w *moveBenchWorld) moveHTTP(base, member, coordinator string, i int) error {
	surplus, shortfall := w.choices(i)
	var mv struct {
		ID int64 `json:"id"`
	}
	if err := benchPost(base+"/api/v1/moves", member, map[string]any{"unit_id": w.units[i], "move_on": time.Now().Format(time.DateOnly),
		"surplus": surplus, "shortfall": shortfall}, http.StatusCreated, &mv); err != nil {
		return fmt.Errorf("request of mover %d: %w", i, err)
	}
	for _, step := range []string{"approve", "complete"} {
		if err := benchPost(fmt.Sprintf("%s/api/v1/moves/%d/%s", base, mv.ID, step), coordinator, nil, http.StatusOK, nil); err != nil {
			return fmt.Errorf("%s of mover %d: %w", step, i, err)
		}
	}
	return nil
}

// benchPost posts JSON with a bearer token and decodes the answer into out.
func benchPost(url, token string, body any, want int, out any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(http.MethodPost, url, r)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		return fmt.Errorf("%d: %s", res.StatusCode, raw)
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

// medianAndP95 returns the median and the 95th percentile (nearest rank).
func medianAndP95(ds []time.Duration) (median, p95 time.Duration) {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)-1)/2], s[(len(s)*95+99)/100-1]
}

// ms is a duration in milliseconds, for the tables.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
