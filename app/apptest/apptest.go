// Package apptest gives tests real parts: a PostgreSQL database of their own,
// cloned from a migrated template, and fixtures built in Go.
package apptest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/peterldowns/pgtestdb"

	"hearth/app"
	"hearth/migrations"
)

// The PostgreSQL server tests use: TEST_DATABASE_URL, or a private cluster
// started the first time a test asks for a database, so that a package's
// tests that need none (its fuzz targets, run by many worker processes) start
// none.
var (
	envURL      string
	startOnce   sync.Once
	started     *app.LocalPostgres
	startedDir  string
	startedURL  string
	startErr    error
	mainStarted bool
)

// Main runs a package's tests. Call it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(apptest.Main(m)) }
//
// Without TEST_DATABASE_URL, the first test that needs a database starts a
// throwaway PostgreSQL cluster with the machine's binaries for the package;
// Main stops it afterwards.
func Main(m *testing.M) int {
	envURL = os.Getenv("TEST_DATABASE_URL")
	mainStarted = true
	code := m.Run()
	if started != nil {
		started.Stop()
	}
	if startedDir != "" {
		os.RemoveAll(startedDir)
	}
	return code
}

// serverURL returns the server's connection string, starting the private
// cluster on first use.
func serverURL(t testing.TB) string {
	t.Helper()
	if !mainStarted {
		t.Fatal("apptest: no database server; call apptest.Main from TestMain")
	}
	if envURL != "" {
		return envURL
	}
	startOnce.Do(func() {
		dir, err := os.MkdirTemp("", "hearth-test-pg-")
		if err != nil {
			startErr = err
			return
		}
		startedDir = dir
		os.Chmod(dir, 0o755) // the cluster runs as an unprivileged user when tests run as root
		lp, err := app.StartLocalPostgres(context.Background(), dir, app.LocalOptions{Fast: true}, Logger())
		if err != nil {
			startErr = err
			return
		}
		started, startedURL = lp, lp.URL
	})
	if startErr != nil {
		t.Fatalf("apptest: %v", startErr)
	}
	return startedURL
}

// Logger is a quiet logger for tests; HEARTH_TEST_LOG=1 makes it speak.
func Logger() *slog.Logger {
	if os.Getenv("HEARTH_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// NewDB returns a fresh, migrated database for one test, dropped afterwards.
// It works for benchmarks too.
func NewDB(t testing.TB) *sqlx.DB {
	t.Helper()
	db, err := sqlx.Open("postgres", URL(t))
	if err != nil {
		t.Fatalf("apptest: %v", err)
	}
	db.SetMaxOpenConns(60)
	t.Cleanup(func() { db.Close() })
	return db
}

// URL creates a fresh, migrated database for one test and returns its
// connection string, for code that opens its own pool (a server under test).
func URL(t testing.TB) string {
	t.Helper()
	u, err := url.Parse(serverURL(t))
	if err != nil {
		t.Fatalf("apptest: bad database URL: %v", err)
	}
	pw, _ := u.User.Password()
	conf := pgtestdb.Config{
		DriverName: "postgres",
		Host:       u.Hostname(),
		Port:       u.Port(),
		User:       u.User.Username(),
		Password:   pw,
		Database:   "postgres",
		Options:    "sslmode=disable",
		// A test that races many goroutines may leave a connection behind when it fails.
		ForceTerminateConnections: true,
	}
	if conf.Port == "" {
		conf.Port = "5432"
	}
	return pgtestdb.Custom(t, conf, migrator{}).URL()
}

// migrator builds template databases with Hearth's own migrations; its hash
// covers every migration file, so a changed migration gets a new template.
type migrator struct{}

func (migrator) Hash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil)), err
}

func (migrator) Migrate(ctx context.Context, db *sql.DB, _ pgtestdb.Config) error {
	return app.Migrate(ctx, db, Logger())
}

// EmptyURL creates an empty database (no migrations) for one test and returns
// its connection string, for tests of migration itself.
func EmptyURL(t testing.TB) string {
	t.Helper()
	server := serverURL(t)
	admin, err := sqlx.Open("postgres", server)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := fmt.Sprintf("hearth_empty_%d_%d", os.Getpid(), seq.Add(1))
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("apptest: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sqlx.Open("postgres", server)
		if err == nil {
			admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			admin.Close()
		}
	})
	u, _ := url.Parse(server)
	u.Path = "/" + name
	return u.String()
}
