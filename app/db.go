package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"hearth/migrations"
)

// OpenDB connects to PostgreSQL and checks that it answers.
func OpenDB(ctx context.Context, url string) (*sqlx.DB, error) {
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		return nil, fmt.Errorf("db: unable to open: %w", err)
	}
	db.SetMaxOpenConns(40)
	db.SetMaxIdleConns(40)
	db.SetConnMaxIdleTime(5 * time.Minute)
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("db: unable to reach the database: %w", err)
	}
	return db, nil
}

// Migrate applies every pending migration. A PostgreSQL advisory lock held for
// the whole run makes servers that start together wait for each other rather
// than race.
func Migrate(ctx context.Context, db *sql.DB, log *slog.Logger) error {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	// Each area numbers its migrations in its own block, so an area's new
	// migration is often lower than another area's already applied: apply
	// such missing migrations instead of refusing to start.
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS, goose.WithSessionLocker(locker), goose.WithAllowOutofOrder(true))
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, r := range results {
		log.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration)
	}
	return nil
}

// InTx runs fn inside a transaction, committing when fn returns nil and
// rolling back otherwise. Service methods that write use it so that a change
// is either whole or absent.
func InTx(ctx context.Context, db *sqlx.DB, fn func(tx *sqlx.Tx) error) error {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: unable to begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("db: unable to commit: %w", err)
	}
	return nil
}

// PQCode returns the SQLSTATE of a PostgreSQL error, "" for other errors.
func PQCode(err error) string {
	var pe *pq.Error
	if errors.As(err, &pe) {
		return string(pe.Code)
	}
	return ""
}

// PQConstraint returns the name of the constraint a PostgreSQL error
// violated, "" when there is none. Storage code turns these names into
// domain errors (residencies_unit_no_overlap → unit_occupied).
func PQConstraint(err error) string {
	var pe *pq.Error
	if errors.As(err, &pe) {
		return pe.Constraint
	}
	return ""
}

// IsRetryable reports whether err is a serialization failure or deadlock that
// a retry of the whole transaction may resolve.
func IsRetryable(err error) bool {
	switch PQCode(err) {
	case "40001", "40P01":
		return true
	}
	return false
}

// ErrNoRows reports whether err means a query found nothing.
func ErrNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// InputRefusal returns the Error for a database refusal that only a
// client's input can cause (text the encoding cannot hold, a number or a
// date out of range) and nil for any other error. Input is checked before
// it is written; this is the backstop that keeps a missed check a 400 or a
// 422 rather than a 500.
func InputRefusal(err error) *Error {
	switch PQCode(err) {
	case "22021", "22P05": // character_not_in_repertoire, untranslatable_character
		return Invalid("invalid_text", "The request has text that is not UTF-8 or holds a NUL character. Send UTF-8 text.")
	case "22003", "22008": // numeric_value_out_of_range, datetime_field_overflow
		return Unprocessable("value_out_of_range", "A number or a date in the request is out of the range Hearth can keep.")
	}
	return nil
}
