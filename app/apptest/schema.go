package apptest

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
)

// SchemaHeader opens migrations/schema.sql.
const SchemaHeader = `-- The whole schema as the migrations leave it, for reading and review: tables,
-- constraints, indexes, every function in its final form, triggers. Written by
-- ` + "`make schema`" + ` from pg_dump --schema-only --no-owner --no-privileges of a freshly
-- migrated database (lines that differ from run to run or version to version
-- left out); app's TestSchemaSnapshot fails when it no longer matches the
-- migrations. Do not edit it, and do not run it: databases are made by the
-- numbered migrations beside it, and goose and the binary ignore this file.

`

// SchemaDump returns the schema of the database at url as
// migrations/schema.sql holds it: pg_dump --schema-only --no-owner
// --no-privileges, by the pg_dump of the server's major version, without
// pg_dump's version lines, its per-run \restrict keys and its session
// settings, blank lines squeezed. It fails the test when no such pg_dump is
// installed.
func SchemaDump(t testing.TB, url string) string {
	t.Helper()
	bin := pgDump(t, url)
	out, err := exec.Command(bin, "--schema-only", "--no-owner", "--no-privileges", url).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("apptest: %s: %v\n%s", bin, err, ee.Stderr)
		}
		t.Fatalf("apptest: %s: %v", bin, err)
	}
	var b strings.Builder
	b.WriteString(SchemaHeader)
	blank := false
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), " \t")
		switch {
		case strings.HasPrefix(line, `\restrict `), strings.HasPrefix(line, `\unrestrict `),
			strings.HasPrefix(line, "-- Dumped from database version"), strings.HasPrefix(line, "-- Dumped by pg_dump version"),
			strings.HasPrefix(line, "SET "), strings.HasPrefix(line, "SELECT pg_catalog.set_config("):
			continue
		case line == "":
			blank = true
			continue
		}
		if blank {
			b.WriteString("\n")
			blank = false
		}
		b.WriteString(line)
		b.WriteString("\n")
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("apptest: reading pg_dump: %v", err)
	}
	return b.String()
}

// pgDump finds the pg_dump of the server's major version: Debian's
// /usr/lib/postgresql/N/bin/pg_dump, or one on PATH that says it is N.
// Another major version would dump the same schema in other words.
func pgDump(t testing.TB, url string) string {
	t.Helper()
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatalf("apptest: %v", err)
	}
	defer db.Close()
	var num int
	if err := db.Get(&num, `SELECT current_setting('server_version_num')::int`); err != nil {
		t.Fatalf("apptest: %v", err)
	}
	major := num / 10000
	candidates := []string{filepath.Join("/usr/lib/postgresql", fmt.Sprint(major), "bin", "pg_dump")}
	if p, err := exec.LookPath("pg_dump"); err == nil {
		candidates = append(candidates, p)
	}
	for _, c := range candidates {
		if _, err := os.Stat(c); err != nil {
			continue
		}
		v, err := exec.Command(c, "--version").Output()
		if err == nil && strings.HasPrefix(strings.TrimPrefix(string(v), "pg_dump (PostgreSQL) "), fmt.Sprint(major)+".") {
			return c
		}
	}
	t.Fatalf("apptest: no pg_dump of PostgreSQL %d, the server's version, in /usr/lib/postgresql/%d/bin or on PATH: "+
		"install PostgreSQL %d's client (Debian: postgresql-client-%d)", major, major, major, major)
	return ""
}
