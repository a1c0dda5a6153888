// Package lotterytest helps tests of any package drive lottery windows
// through time.
package lotterytest

import (
	"testing"

	"github.com/jmoiron/sqlx"
)

// MustClose makes a window's requests close now, as if its closing time had
// come. The schema forbids moving a closing time, so the guard trigger is
// switched off inside this one transaction (the test database's owner may).
func MustClose(t testing.TB, db *sqlx.DB, windowID int64) {
	t.Helper()
	tx, err := db.Beginx()
	if err != nil {
		t.Fatalf("MustClose: %v", err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`ALTER TABLE lottery_windows DISABLE TRIGGER lottery_windows_guard`); err != nil {
		t.Fatalf("MustClose: %v", err)
	}
	if _, err := tx.Exec(`
		UPDATE lottery_windows SET opened_at = least(opened_at, now() - interval '1 day'), closes_at = now()
		WHERE id = $1`, windowID); err != nil {
		t.Fatalf("MustClose: %v", err)
	}
	if _, err := tx.Exec(`ALTER TABLE lottery_windows ENABLE TRIGGER lottery_windows_guard`); err != nil {
		t.Fatalf("MustClose: %v", err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatalf("MustClose: %v", err)
	}
}
