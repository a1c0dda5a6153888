// Command hearth runs the Hearth co-housing cooperative platform.
//
//	hearth serve                    run the web server
//	hearth migrate                  apply pending migrations
//	hearth seed --demo              fill an empty database with a demo cooperative
//	hearth user add --email E --password P --name N --role admin|member
//	hearth loan schedule|apr ...    loan mathematics, no database needed
//	hearth charges run --month M    post a month's carrying charges
//	hearth lottery verify ...       re-run a peak-allocation draw and check it
//	hearth bench [area...]          run the benchmarks
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"hearth"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"

	"hearth/app"
	"hearth/demo"
	"hearth/web"
)

const usage = `usage: hearth <command> [flags]

commands:
  serve                 run the server on HEARTH_ADDR (default 127.0.0.1:8080)
  migrate               apply pending database migrations and exit
  seed --demo [--if-empty]  fill an empty database with a small living cooperative
  user add --email E --password P --name N --role admin|member
  loan schedule --principal P --rate R --months N [--start YYYY-MM-DD]
  loan apr --amount A --payment P --count N --frequency F --advance-date D --first-payment D
  charges run --month YYYY-MM   post the monthly carrying charges of every occupied unit
  lottery verify --window ID | --file F   re-run a peak-allocation draw and check it
  bench [ledger|booking|equity|moves]  run the benchmarks and print their figures
`

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "hearth:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("no command given\n" + usage)
	}
	switch args[0] {
	case "serve":
		return withDB(func(ctx context.Context, env *environment) error { return serve(ctx, env) })
	case "migrate":
		return withDB(func(ctx context.Context, env *environment) error { return nil })
	case "seed":
		fs := flag.NewFlagSet("seed", flag.ContinueOnError)
		wantDemo := fs.Bool("demo", false, "fill an empty database with a demo cooperative")
		ifEmpty := fs.Bool("if-empty", false, "do nothing, successfully, when the database already has members")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if !*wantDemo {
			return errors.New("seed: say --demo to fill the database with demo data")
		}
		return withDB(func(ctx context.Context, env *environment) error {
			return demo.Seed(ctx, env.db, env.log, stdout, *ifEmpty)
		})
	case "user":
		return userCommand(args[1:], stdout)
	case "loan":
		return runLoan(args[1:], stdout)
	case "charges":
		return runCharges(args[1:], stdout)
	case "lottery":
		return runLottery(args[1:], stdout)
	case "bench":
		return runBench(args[1:], stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", args[0], usage)
}

// environment is what every database command needs.
type environment struct {
	cfg app.Config
	log *slog.Logger
	db  *sqlx.DB
	svc *hearth.Services
	url string
}

// withDB loads the configuration, connects to DATABASE_URL or starts the
// private cluster, applies migrations, runs fn, and then closes the pool and
// stops the cluster, in that order.
func withDB(fn func(ctx context.Context, env *environment) error) error {
	cfg, err := app.ConfigFromEnv()
	if err != nil {
		return err
	}
	log := cfg.NewLogger()
	slog.SetDefault(log)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	url := cfg.DatabaseURL
	if url == "" {
		lp, err := app.StartLocalPostgres(ctx, cfg.DataDir, app.LocalOptions{}, log)
		if err != nil {
			return err
		}
		defer lp.Stop()
		url = lp.URL
	}
	db, err := app.OpenDB(ctx, url)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := app.Migrate(ctx, db.DB, log); err != nil {
		return err
	}
	return fn(ctx, &environment{cfg: cfg, log: log, db: db, svc: hearth.NewServices(cfg, db), url: url})
}

// serve runs the server until SIGINT or SIGTERM, then drains requests.
func serve(ctx context.Context, env *environment) error {
	srv := web.New(env.cfg, env.svc, env.log)
	sweepCtx, stopSweep := context.WithCancel(context.Background())
	defer stopSweep()
	go srv.Sweep(sweepCtx)

	errc := make(chan error, 1)
	go func() { errc <- srv.App.Listen(env.cfg.Addr) }()
	env.log.Info("Hearth is listening", "url", "http://"+env.cfg.Addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	env.log.Info("shutting down: draining requests")
	if err := srv.Shutdown(15 * time.Second); err != nil {
		env.log.Error("shutdown", "err", err)
	}
	stopSweep()
	return nil
}

func userCommand(args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: hearth user add --email E --password P --name N --role admin|member")
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	var n app.NewMember
	fs.StringVar(&n.Email, "email", "", "email address (unique)")
	fs.StringVar(&n.Password, "password", "", "password, at least 8 characters")
	fs.StringVar(&n.Name, "name", "", "the member's name")
	fs.StringVar(&n.Role, "role", app.RoleMember, "admin or member")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	return withDB(func(ctx context.Context, env *environment) error {
		var m app.Member
		err := app.InTx(ctx, env.db, func(tx *sqlx.Tx) error {
			var err error
			m, err = env.svc.Accounts.CreateMemberTx(ctx, tx, n)
			return err
		})
		if e, ok := app.AsError(err); ok {
			return errors.New(e.Message)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created %s %s <%s> (id %d)\n", m.Role, m.Name, m.Email, m.ID)
		return nil
	})
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
