package app_test

import (
	"context"
	"os"
	"testing"

	"hearth/app"
	"hearth/app/apptest"
)

// TestLocalPostgresRestarts initialises a private cluster, stops it, and
// starts it again from the same directory with its data intact.
func TestLocalPostgresRestarts(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL twice")
	}
	t.Parallel()
	ctx := context.Background()
	// Not t.TempDir: its parent is private to root, and the cluster runs as
	// an unprivileged user when tests run as root.
	dir, err := os.MkdirTemp("", "hearth-localpg-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755)
	lp, err := app.StartLocalPostgres(ctx, dir, app.LocalOptions{Fast: true}, apptest.Logger())
	if err != nil {
		t.Fatal(err)
	}
	db, err := app.OpenDB(ctx, lp.URL)
	if err != nil {
		lp.Stop()
		t.Fatal(err)
	}
	_, err = db.Exec(`CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)`)
	db.Close()
	lp.Stop()
	if err != nil {
		t.Fatal(err)
	}

	lp, err = app.StartLocalPostgres(ctx, dir, app.LocalOptions{Fast: true}, apptest.Logger())
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	defer lp.Stop()
	db, err = app.OpenDB(ctx, lp.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v int
	if err := db.Get(&v, `SELECT v FROM kept`); err != nil || v != 42 {
		t.Errorf("data after restart: got %d, %v", v, err)
	}
}
