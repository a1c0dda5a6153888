package app_test

import (
	"context"
	"testing"

	"golang.org/x/sync/errgroup"

	"hearth/app"
	"hearth/app/apptest"
)

// TestMigrateConcurrently starts several migrations on one empty database at
// once, as servers starting together would: the advisory lock makes them
// take turns, and every one succeeds.
func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := apptest.EmptyURL(t)
	var g errgroup.Group
	for range 4 {
		g.Go(func() error {
			db, err := app.OpenDB(ctx, url)
			if err != nil {
				return err
			}
			defer db.Close()
			return app.Migrate(ctx, db.DB, apptest.Logger())
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatalf("concurrent migrations: %v", err)
	}
	db, err := app.OpenDB(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var applied int
	if err := db.Get(&applied, `SELECT count(*) FROM goose_db_version WHERE version_id = 1`); err != nil {
		t.Fatal(err)
	}
	if got, want := applied, 1; got != want {
		t.Errorf("migration 1 recorded %d times, want %d", got, want)
	}
}
