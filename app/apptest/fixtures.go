package apptest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"hearth/app"
)

var seq atomic.Int64

// Password is the password of every member that MustCreateMember makes.
const Password = "correct horse battery"

// MustCreateMember creates a member with a unique email and the given role.
func MustCreateMember(t testing.TB, db *sqlx.DB, name, role string) app.Member {
	t.Helper()
	accounts := &app.Accounts{DB: db, SessionTTL: time.Hour, TokenTTL: time.Hour}
	var m app.Member
	err := app.InTx(context.Background(), db, func(tx *sqlx.Tx) error {
		var err error
		m, err = accounts.CreateMemberTx(context.Background(), tx, app.NewMember{
			Email:    fmt.Sprintf("member%d@example.org", seq.Add(1)),
			Password: Password,
			Name:     name,
			Role:     role,
		})
		return err
	})
	if err != nil {
		t.Fatalf("MustCreateMember: %v", err)
	}
	return m
}

// Site is a site made for a test.
type Site struct {
	ID       int64
	Timezone string
}

// MustCreateSite inserts a site directly, for tests of other areas.
func MustCreateSite(t testing.TB, db *sqlx.DB, name, timezone string) Site {
	t.Helper()
	var id int64
	if err := db.Get(&id, `INSERT INTO sites (name, timezone) VALUES ($1, $2) RETURNING id`, name, timezone); err != nil {
		t.Fatalf("MustCreateSite: %v", err)
	}
	return Site{ID: id, Timezone: timezone}
}

// MustInsertMember inserts a member who can never sign in (no password
// hash), for tests that make many members and would otherwise spend their
// time in the deliberately slow password hashing of MustCreateMember.
func MustInsertMember(t testing.TB, db *sqlx.DB, name string) int64 {
	t.Helper()
	var id int64
	if err := db.Get(&id, `INSERT INTO members (email, name, password_hash) VALUES ($1, $2, 'none') RETURNING id`,
		fmt.Sprintf("member%d@example.org", seq.Add(1)), name); err != nil {
		t.Fatalf("MustInsertMember: %v", err)
	}
	return id
}

// MustCreateUnit inserts a unit of a site.
func MustCreateUnit(t testing.TB, db *sqlx.DB, siteID int64, name string, monthlyCharge string) int64 {
	t.Helper()
	var id int64
	if err := db.Get(&id, `INSERT INTO units (site_id, name, monthly_charge) VALUES ($1, $2, $3) RETURNING id`,
		siteID, name, monthlyCharge); err != nil {
		t.Fatalf("MustCreateUnit: %v", err)
	}
	return id
}

// MustAddResidency places a member in a unit from a date, open-ended.
func MustAddResidency(t testing.TB, db *sqlx.DB, siteID, unitID, memberID int64, from string) {
	t.Helper()
	if _, err := db.Exec(`INSERT INTO residencies (site_id, unit_id, member_id, starts_on) VALUES ($1, $2, $3, $4)`,
		siteID, unitID, memberID, from); err != nil {
		t.Fatalf("MustAddResidency: %v", err)
	}
}

// MustMakeCoordinator makes a member a coordinator of a site.
func MustMakeCoordinator(t testing.TB, db *sqlx.DB, siteID, memberID int64) {
	t.Helper()
	if _, err := db.Exec(`INSERT INTO site_coordinators (site_id, member_id) VALUES ($1, $2)`, siteID, memberID); err != nil {
		t.Fatalf("MustMakeCoordinator: %v", err)
	}
}

// Code is the code of an app.Error, "" for nil, and "internal: …" for any
// other error, so that a test can compare outcomes as strings.
func Code(err error) string {
	if e, ok := app.AsError(err); ok {
		return e.Code
	}
	if err != nil {
		return "internal: " + err.Error()
	}
	return ""
}
