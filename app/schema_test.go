package app_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"hearth/app"
	"hearth/app/apptest"
)

var updateSchema = flag.Bool("update-schema", false, "rewrite migrations/schema.sql from the migrations (make schema)")

const schemaFile = "../migrations/schema.sql"

// TestSchemaSnapshot migrates an empty database and compares its schema, as
// pg_dump gives it, with migrations/schema.sql: a migration that changes the
// schema comes with the snapshot that shows the change. make schema (this
// test with -update-schema) rewrites the snapshot.
func TestSchemaSnapshot(t *testing.T) {
	t.Parallel()
	url := apptest.EmptyURL(t)
	db, err := app.OpenDB(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	err = app.Migrate(context.Background(), db.DB, apptest.Logger())
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	got := apptest.SchemaDump(t, url)
	if *updateSchema {
		if err := os.WriteFile(schemaFile, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatalf("%v: run make schema to write it", err)
	}
	if got != string(want) {
		t.Errorf("migrations/schema.sql is not the schema the migrations make; run make schema and review its diff.\n"+
			"First difference (- schema.sql, + migrated):\n%s", lineDiff(string(want), got))
	}
}

// lineDiff shows where two texts part: the lines between their common
// beginning and their common end, with three lines of context, at most 40
// of each side.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	start := 0
	for start < len(w) && start < len(g) && w[start] == g[start] {
		start++
	}
	we, ge := len(w), len(g)
	for we > start && ge > start && w[we-1] == g[ge-1] {
		we, ge = we-1, ge-1
	}
	var b strings.Builder
	from := max(start-3, 0)
	fmt.Fprintf(&b, "@@ line %d @@\n", from+1)
	for _, l := range w[from:start] {
		b.WriteString("  " + l + "\n")
	}
	side := func(sign string, lines []string) {
		for i, l := range lines {
			if i == 40 {
				fmt.Fprintf(&b, "%s … %d more lines\n", sign, len(lines)-40)
				break
			}
			b.WriteString(sign + " " + l + "\n")
		}
	}
	side("-", w[start:we])
	side("+", g[start:ge])
	for _, l := range w[we:min(we+3, len(w))] {
		b.WriteString("  " + l + "\n")
	}
	return b.String()
}
