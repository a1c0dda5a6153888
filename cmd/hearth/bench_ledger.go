package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/shopspring/decimal"

	"hearth/app"
	"hearth/day"
	"hearth/finance/ledger"
)

// benchLedger measures the ledger: entries per second with 1, 8 and 32
// writers through the Go API, through HTTP and straight through the SQL
// function, over many accounts and over 10 hot ones, beside pgbench's tpcb-like TPS on the same server; then
// balance and statement reads on an account with 1,000,000 postings.
// HEARTH_BENCH_SECONDS sets the length of each side of a row (default 6).
func benchLedger(ctx context.Context, b *benchEnv) error {
	seconds := 6
	if s, err := strconv.Atoi(os.Getenv("HEARTH_BENCH_SECONDS")); err == nil && s > 0 {
		seconds = s
	}
	l := b.svc.Ledger
	// The treasurer posts every entry, through Go and through HTTP alike.
	const password = "bench treasurer password"
	var treasurer app.Member
	err := app.InTx(ctx, b.db, func(tx *sqlx.Tx) error {
		var err error
		treasurer, err = b.svc.Accounts.CreateMemberTx(ctx, tx, app.NewMember{
			Email: "bench-treasurer@hearth.example", Password: password, Name: "Bench Treasurer", Role: app.RoleAdmin})
		return err
	})
	if err != nil {
		return err
	}
	tess := &app.Principal{Member: treasurer}

	sets := []struct {
		name  string
		codes []string
	}{{"1,000 accounts", benchCodes("assets:bench:many", 1000)}, {"10 hot accounts", benchCodes("assets:bench:hot", 10)}}
	err = app.InTx(ctx, b.db, func(tx *sqlx.Tx) error {
		for _, set := range sets {
			for _, code := range set.codes {
				if err := l.CreateAccountTx(ctx, tx, ledger.Account{Code: code, Type: ledger.Asset}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := b.pgbench(ctx, "", "-i", "-q", "-s", "10"); err != nil {
		return err
	}
	poster, err := newBenchHTTPPoster(b, treasurer.Email, password)
	if err != nil {
		return err
	}

	// Three ways in: the Go API (PostEntry), the HTTP API, and pgbench
	// calling ledger_post directly, which shows what the database does
	// without Hearth's Go and HTTP layers. The machine may be busy with
	// other work that comes and goes, so each row alternates 2-second
	// bursts of pgbench tpcb-like and of the ledger, and compares totals.
	const burst = 2 * time.Second
	paths := []struct {
		name  string
		burst func(ctx context.Context, writers int, set []string) (postResult, error)
	}{
		{"Go API", func(ctx context.Context, writers int, set []string) (postResult, error) {
			return postForAWhile(ctx, writers, burst, set, func(ctx context.Context, e ledger.Entry) error { _, err := l.PostEntry(ctx, tess, e); return err }), nil
		}},
		{"HTTP API", func(ctx context.Context, writers int, set []string) (postResult, error) {
			return postForAWhile(ctx, writers, burst, set, poster.post), nil
		}},
		{"SQL (pgbench)", func(ctx context.Context, writers int, set []string) (postResult, error) {
			return pgbenchLedgerPost(ctx, b, writers, set)
		}},
	}
	rounds := max(1, seconds/2)
	fmt.Fprintf(b.out, "Entries of two postings (random accounts of the set, dates within the last 30 days) against pgbench tpcb-like at scale 10 with as many clients; each row alternates %d bursts of 2 s of each. Deadlocks are counted by PostgreSQL.\n\n", rounds)
	fmt.Fprintln(b.out, "| writers | through | accounts | entries/s | pgbench TPS | ratio | deadlocks | failed |")
	fmt.Fprintln(b.out, "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |")
	for _, writers := range []int{1, 8, 32} {
		for _, path := range paths {
			for _, set := range sets {
				before, err := benchDeadlocks(ctx, b.db)
				if err != nil {
					return err
				}
				var total postResult
				var tpsSum float64
				for range rounds {
					out, err := b.pgbench(ctx, "", "-n", "-b", "tpcb-like", "-c", strconv.Itoa(writers), "-j", strconv.Itoa(min(writers, 2)), "-T", "2")
					if err != nil {
						return err
					}
					tps, err := pgbenchTPS(out)
					if err != nil {
						return err
					}
					tpsSum += tps
					res, err := path.burst(ctx, writers, set.codes)
					if err != nil {
						return err
					}
					total.posted += res.posted
					total.failed += res.failed
					total.elapsed += res.elapsed
					if total.err == nil {
						total.err = res.err
					}
				}
				after, err := benchDeadlocks(ctx, b.db)
				if err != nil {
					return err
				}
				rate, tps := float64(total.posted)/total.elapsed.Seconds(), tpsSum/float64(rounds)
				fmt.Fprintf(b.out, "| %d | %s | %s | %.0f | %.0f | %.2f | %d | %d |\n",
					writers, path.name, set.name, rate, tps, rate/tps, after-before, total.failed)
				if total.err != nil {
					fmt.Fprintf(b.out, "\nfirst failure: %v\n\n", total.err)
				}
			}
		}
	}
	return benchBigAccount(ctx, b, l, tess)
}

func benchCodes(prefix string, n int) []string {
	codes := make([]string, n)
	for i := range codes {
		codes[i] = fmt.Sprintf("%s:%04d", prefix, i)
	}
	return codes
}

var (
	tpsLine       = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)
	processedLine = regexp.MustCompile(`number of transactions actually processed: ([0-9]+)`)
	failedLine    = regexp.MustCompile(`number of failed transactions: ([0-9]+)`)
)

// pgbenchLedgerPost has pgbench clients post entries through ledger_post,
// the one statement PostEntry sends, for a burst of 2 seconds. The accounts
// are named prefix:NNNN like the set's.
func pgbenchLedgerPost(ctx context.Context, b *benchEnv, writers int, set []string) (postResult, error) {
	n := len(set)
	prefix := set[0][:strings.LastIndex(set[0], ":")+1]
	script := fmt.Sprintf(`\set k random(1, 9000000000000000000)
\set a random(0, %[1]d)
\set b (:a + random(1, %[1]d)) %% %[2]d
\set amount random(1, 100000)
\set days random(0, 29)
SELECT 1 / (CASE WHEN out_unknown IS NULL THEN 1 ELSE 0 END) -- fail loudly on a wrong account code
FROM ledger_post('pgbench-' || :client_id || '-' || :k, '\x00'::bytea, 'Benchmark transfer', (current_date - :days)::date, '{}'::jsonb,
    NULL::bigint, NULL::bigint, ARRAY['%[3]s' || lpad(:b::text, 4, '0'), '%[3]s' || lpad(:a::text, 4, '0')]::text[],
    ARRAY[(:amount / 100.0)::numeric(20, 2), (-:amount / 100.0)::numeric(20, 2)]);
`, n-1, n, prefix)
	out, err := b.pgbench(ctx, script, "-n", "-c", strconv.Itoa(writers), "-j", strconv.Itoa(min(writers, 2)), "-T", "2")
	if err != nil {
		return postResult{}, err
	}
	tps, err := pgbenchTPS(out)
	if err != nil {
		return postResult{}, err
	}
	var res postResult
	if m := processedLine.FindStringSubmatch(out); m != nil {
		res.posted, _ = strconv.ParseInt(m[1], 10, 64)
	}
	if m := failedLine.FindStringSubmatch(out); m != nil {
		res.failed, _ = strconv.ParseInt(m[1], 10, 64)
	}
	res.elapsed = time.Duration(float64(res.posted) / tps * float64(time.Second))
	return res, nil
}

func pgbenchTPS(out string) (float64, error) {
	m := tpsLine.FindStringSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("no tps in pgbench's output:\n%s", out)
	}
	return strconv.ParseFloat(m[1], 64)
}

// benchDeadlocks reads the deadlocks PostgreSQL has counted in the bench
// database. Backends report them when they next flush their statistics,
// which they always do on exit: closing the idle connections first makes
// the count current.
func benchDeadlocks(ctx context.Context, db *sqlx.DB) (int64, error) {
	db.SetMaxIdleConns(0)
	db.SetMaxIdleConns(80)
	time.Sleep(300 * time.Millisecond)
	var n int64
	err := db.GetContext(ctx, &n, `SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()`)
	return n, err
}

type postResult struct {
	posted, failed int64
	elapsed        time.Duration
	err            error
}

var benchRun atomic.Int64

// postForAWhile has writers post random two-posting entries over the
// accounts for the duration d.
func postForAWhile(ctx context.Context, writers int, d time.Duration, codes []string, post func(context.Context, ledger.Entry) error) postResult {
	run := benchRun.Add(1)
	var posted, failed atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	today := ledger.Day(time.Now())
	start := time.Now()
	deadline := start.Add(d)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(run), uint64(w)))
			for i := 0; time.Now().Before(deadline); i++ {
				from := r.IntN(len(codes))
				to := (from + 1 + r.IntN(len(codes)-1)) % len(codes)
				amount := decimal.New(int64(1+r.IntN(100000)), -2)
				e := ledger.Entry{
					IdempotencyKey: fmt.Sprintf("bench-%d-%d-%d", run, w, i),
					Description:    "Benchmark transfer",
					EffectiveDate:  today.AddDate(0, 0, -r.IntN(30)),
					Postings:       []ledger.Posting{{Account: codes[to], Amount: amount}, {Account: codes[from], Amount: amount.Neg()}},
				}
				if err := post(ctx, e); err != nil {
					failed.Add(1)
					once.Do(func() { firstErr = err })
					continue
				}
				posted.Add(1)
			}
		}()
	}
	wg.Wait()
	return postResult{posted: posted.Load(), failed: failed.Load(), elapsed: time.Since(start), err: firstErr}
}

// benchHTTPPoster posts entries through POST /api/v1/ledger/entries as an admin.
type benchHTTPPoster struct {
	web   *benchHTTP
	token string
}

func newBenchHTTPPoster(b *benchEnv, email, password string) (*benchHTTPPoster, error) {
	base, err := b.serverURL()
	if err != nil {
		return nil, err
	}
	p := &benchHTTPPoster{web: newBenchHTTP(base)}
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	res, err := p.web.do("POST", "/api/v1/auth/token", "", string(body), http.StatusOK)
	if err != nil {
		return nil, err
	}
	var tok struct{ Token string }
	if err := json.Unmarshal(res, &tok); err != nil || tok.Token == "" {
		return nil, fmt.Errorf("bench: no API token (%w)", err)
	}
	p.token = tok.Token
	return p, nil
}

func (p *benchHTTPPoster) post(ctx context.Context, e ledger.Entry) error {
	postings := make([]map[string]string, len(e.Postings))
	for i, ps := range e.Postings {
		postings[i] = map[string]string{"account": ps.Account, "amount": ps.Amount.StringFixed(2)}
	}
	body, _ := json.Marshal(map[string]any{
		"idempotency_key": e.IdempotencyKey, "description": e.Description,
		"effective_date": e.EffectiveDate.Format(day.Layout), "postings": postings,
	})
	_, err := p.web.do("POST", "/api/v1/ledger/entries", p.token, string(body), http.StatusCreated)
	return err
}

// benchBigAccount loads an account with 1,000,000 postings (through
// PostEntry, in entries of up to 999 postings to it, one per day over
// about three years) and times the reads a treasurer makes of it.
func benchBigAccount(ctx context.Context, b *benchEnv, l *ledger.Ledger, tess *app.Principal) error {
	const big, total, perEntry = "assets:bench:big", 1_000_000, 999
	sources := benchCodes("income:bench:source", 10)
	err := app.InTx(ctx, b.db, func(tx *sqlx.Tx) error {
		if err := l.CreateAccountTx(ctx, tx, ledger.Account{Code: big, Type: ledger.Asset, NonNegative: true}); err != nil {
			return err
		}
		for _, c := range sources {
			if err := l.CreateAccountTx(ctx, tx, ledger.Account{Code: c, Type: ledger.Income}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	first := ledger.Day(time.Now()).AddDate(-3, 0, 0)
	entries := (total + perEntry - 1) / perEntry
	loadStart := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < entries; i += 2 {
				n := min(perEntry, total-i*perEntry)
				e := ledger.Entry{IdempotencyKey: fmt.Sprintf("bench-big-%d", i), Description: fmt.Sprintf("Day %d of deposits", i+1), EffectiveDate: first.AddDate(0, 0, i)}
				sum := decimal.Zero
				for k := range n {
					a := decimal.New(int64(1+(i+k)%500), -2)
					sum = sum.Add(a)
					e.Postings = append(e.Postings, ledger.Posting{Account: big, Amount: a})
				}
				e.Postings = append(e.Postings, ledger.Posting{Account: sources[i%len(sources)], Amount: sum.Neg()})
				if _, err := l.PostEntry(ctx, tess, e); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	load := time.Since(loadStart)
	var postings int
	if err := b.db.GetContext(ctx, &postings, `SELECT count(*) FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id WHERE a.code = $1`, big); err != nil {
		return err
	}
	b.db.ExecContext(ctx, `ANALYZE`)

	fmt.Fprintf(b.out, "\nAccount %s: %d postings in %d entries, loaded through PostEntry in %s (%.0f postings/s).\n\n",
		big, postings, entries, load.Round(time.Second), float64(postings)/load.Seconds())
	fmt.Fprintln(b.out, "| read on the 1,000,000-posting account | median | p99 |")
	fmt.Fprintln(b.out, "| --- | ---: | ---: |")
	mid := first.AddDate(0, 0, entries/2)
	var next int64
	for _, q := range []struct {
		name string
		fn   func() error
	}{
		{"current balance (Balance)", func() error { _, err := l.Balance(ctx, big, nil); return err }},
		{"balance as of a day 18 months back", func() error { _, err := l.Balance(ctx, big, &mid); return err }},
		{"statement, first page of 100 lines", func() error {
			st, err := l.Statement(ctx, tess, big, ledger.StatementQuery{Limit: 100})
			next = st.Next
			return err
		}},
		{"statement from a day 18 months back, 100 lines", func() error {
			_, err := l.Statement(ctx, tess, big, ledger.StatementQuery{Period: ledger.Period{From: &mid}, Limit: 100})
			return err
		}},
		{"statement, a later page by cursor", func() error {
			_, err := l.Statement(ctx, tess, big, ledger.StatementQuery{After: next, Limit: 100})
			return err
		}},
	} {
		median, p99, err := timeIt(200, q.fn)
		if err != nil {
			return fmt.Errorf("%s: %w", q.name, err)
		}
		fmt.Fprintf(b.out, "| %s | %s | %s |\n", q.name, median, p99)
	}
	start := time.Now()
	cw := &countingWriter{}
	export, err := l.StatementCSV(ctx, tess, big, ledger.Period{})
	if err != nil {
		return err
	}
	if err := export(ctx, cw); err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Fprintf(b.out, "| whole statement as CSV (%d lines, %.0f MB) | %s | |\n", cw.lines-1, float64(cw.n)/1e6, took.Round(time.Millisecond))
	return nil
}

// timeIt runs fn n times and returns the median and 99th percentile.
func timeIt(n int, fn func() error) (median, p99 time.Duration, err error) {
	times := make([]time.Duration, n)
	for i := range times {
		start := time.Now()
		if err := fn(); err != nil {
			return 0, 0, err
		}
		times[i] = time.Since(start)
	}
	slices.Sort(times)
	return times[n/2].Round(time.Microsecond), times[n*99/100].Round(time.Microsecond), nil
}

// countingWriter counts the bytes and lines written to it.
type countingWriter struct{ n, lines int }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	w.lines += bytes.Count(p, []byte{'\n'})
	return len(p), nil
}
