package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"hearth"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/valyala/fasthttp"

	"hearth/app"
	"hearth/web"
)

// A benchmark measures one area of Hearth against a fresh database and prints
// its figures. Each area registers its own in a bench_*.go file.
type benchmark struct {
	name string
	run  func(ctx context.Context, b *benchEnv) error
}

var benchmarks = []benchmark{
	{"ledger", benchLedger},
	{"booking", benchBooking},
	{"equity", benchEquity},
	{"moves", benchMoves},
}

// benchEnv is a freshly migrated database used only by the benchmarks, with
// what they need to reach it.
type benchEnv struct {
	env    *environment
	db     *sqlx.DB
	svc    *hearth.Services // on db, built once
	url    string           // connection string of the bench database
	out    io.Writer
	server string // base URL of a Hearth server on loopback, started on first use
	stop   func()
}

// runBench runs `hearth bench [name...]`: every benchmark, or the named ones,
// each on a database created for it and dropped afterwards.
func runBench(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	if err := fs.Parse(args); err != nil {
		return err
	}
	want := map[string]bool{}
	for _, n := range fs.Args() {
		want[n] = true
	}
	return withDB(func(ctx context.Context, env *environment) error {
		host, _ := os.Hostname()
		fmt.Fprintf(stdout, "# Hearth benchmarks, %s, host %s\n", time.Now().UTC().Format(time.RFC3339), host)
		for _, bm := range benchmarks {
			if len(want) > 0 && !want[bm.name] {
				continue
			}
			fmt.Fprintf(stdout, "\n## %s\n", bm.name)
			if err := runOneBench(ctx, env, bm, stdout); err != nil {
				return fmt.Errorf("bench %s: %w", bm.name, err)
			}
		}
		return nil
	})
}

func runOneBench(ctx context.Context, env *environment, bm benchmark, out io.Writer) error {
	name := "hearth_bench_" + bm.name
	if _, err := env.db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(name)+" WITH (FORCE)"); err != nil {
		return err
	}
	if _, err := env.db.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name)); err != nil {
		return err
	}
	defer env.db.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(name)+" WITH (FORCE)")
	u := databaseURL(env, name)
	db, err := app.OpenDB(ctx, u)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(80)
	db.SetMaxIdleConns(80)
	if err := app.Migrate(ctx, db.DB, quietLogger()); err != nil {
		return err
	}
	b := &benchEnv{env: env, db: db, svc: hearth.NewServices(env.cfg, db), url: u, out: out}
	defer func() {
		if b.stop != nil {
			b.stop()
		}
	}()
	return bm.run(ctx, b)
}

// databaseURL returns the connection string of another database on the same server.
func databaseURL(env *environment, name string) string {
	u, _ := url.Parse(env.url)
	u.Path = "/" + name
	return u.String()
}

// serverURL starts a Hearth server on a loopback port against the bench
// database (once) and returns its base URL.
func (b *benchEnv) serverURL() (string, error) {
	if b.server != "" {
		return b.server, nil
	}
	cfg := b.env.cfg
	cfg.SignInLimit = 1 << 20
	srv := web.New(cfg, b.svc, quietLogger())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	go srv.App.Listener(ln)
	b.stop = func() { srv.Shutdown(5 * time.Second) }
	b.server = "http://" + ln.Addr().String()
	return b.server, nil
}

// pgbench runs the machine's pgbench against the bench database with the
// given arguments and returns its output. A custom script can be passed as
// script; it is written to a temporary file and given with -f.
func (b *benchEnv) pgbench(ctx context.Context, script string, args ...string) (string, error) {
	bin, err := exec.LookPath("pgbench")
	if err != nil {
		matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pgbench")
		if len(matches) == 0 {
			return "", errors.New("pgbench not found: install the postgresql-contrib or postgresql client package")
		}
		bin = matches[len(matches)-1]
	}
	if script != "" {
		f, err := os.CreateTemp("", "hearth-bench-*.sql")
		if err != nil {
			return "", err
		}
		defer os.Remove(f.Name())
		f.WriteString(script)
		f.Close()
		args = append(args, "-f", f.Name())
	}
	args = append(args, b.url)
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("pgbench %s: %w\n%s", strings.Join(args[:len(args)-1], " "), err, out)
	}
	return string(out), nil
}

// benchHTTP is the load generator of the HTTP benchmarks: fasthttp's
// client (the server's own HTTP library, already in the module), so that,
// like pgbench beside it, it takes as little of the shared cores as it can.
type benchHTTP struct {
	base   string
	client *fasthttp.HostClient
}

func newBenchHTTP(base string) *benchHTTP {
	return &benchHTTP{base: base, client: &fasthttp.HostClient{Addr: strings.TrimPrefix(base, "http://"), MaxConns: 64}}
}

// do sends a request with a bearer token and a JSON body (none when body
// is empty) and returns the response's body, or an error unless the status
// is want.
func (h *benchHTTP) do(method, path, token, body string, want int) ([]byte, error) {
	req, res := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(res)
	req.SetRequestURI(h.base + path)
	req.Header.SetMethod(method)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.SetContentType("application/json")
		req.SetBodyString(body)
	}
	if err := h.client.Do(req, res); err != nil {
		return nil, err
	}
	if res.StatusCode() != want {
		return nil, fmt.Errorf("%s %s: HTTP %d: %s", method, path, res.StatusCode(), res.Body())
	}
	return append([]byte(nil), res.Body()...), nil
}
