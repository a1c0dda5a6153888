// Package demo makes the demo cooperative that `hearth seed --demo` fills an
// empty database with: three sites, a dozen members, a year of bookings and
// ledger history. Tests that want believable data use it too.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/jmoiron/sqlx"

	"hearth"
	"hearth/app"
)

// demo holds what one part of the demo seed made for the parts after it.
type demo struct {
	svc     *hearth.Services      // the seed's own, whose clocks it turns to replay a year
	members map[string]app.Member // by key such as "treasurer" or "ada"
	sites   map[string]int64      // by short name
}

// Seed fills an empty database with a small living cooperative: three
// sites, a dozen members, a year of bookings and ledger history. Each area of
// the product adds its part in its own seed file; all of it is one
// transaction, so a failed seed leaves the database empty.
func Seed(ctx context.Context, db *sqlx.DB, log *slog.Logger, out io.Writer, ifEmpty bool) error {
	var n int
	if err := db.GetContext(ctx, &n, `SELECT count(*) FROM members`); err != nil {
		return err
	}
	if n > 0 && ifEmpty {
		fmt.Fprintln(out, "the database already has members; demo data left as it is")
		return nil
	}
	if n > 0 {
		return errors.New("seed: the database already has members; demo data goes only into an empty database")
	}
	cfg, err := app.ConfigFromEnv()
	if err != nil {
		return err
	}
	d := &demo{svc: hearth.NewServices(cfg, db), members: map[string]app.Member{}, sites: map[string]int64{}}
	err = app.InTx(ctx, db, func(tx *sqlx.Tx) error {
		for _, step := range []struct {
			name string
			fn   func(context.Context, *sqlx.Tx, *demo) error
		}{
			{"members", seedMembers},
			{"sites", seedSites},
			{"ledger", seedLedger},
			{"bookings", seedBookings},
			{"lottery", seedLottery},
			{"equity", seedEquity},
			{"moves", seedMoves},
		} {
			if err := step.fn(ctx, tx, d); err != nil {
				return fmt.Errorf("seed %s: %w", step.name, err)
			}
			log.Info("demo data seeded", "part", step.name)
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "demo cooperative ready; sign in as", Accounts[0].Email, "with password", Password)
	return nil
}
