package booking

import (
	"context"
	"fmt"
	"hash/fnv"

	"github.com/jmoiron/sqlx"
)

// getTx runs a one-row query in tx through its prepared statement when there is one.
func (s *Service) getTx(ctx context.Context, tx *sqlx.Tx, dest any, query string, args ...any) error {
	return s.stmts.Get(ctx, s.DB, tx, dest, query, args...)
}

// getDB runs a one-row query on the pool through its prepared statement when there is one.
func (s *Service) getDB(ctx context.Context, dest any, query string, args ...any) error {
	return s.stmts.Get(ctx, s.DB, s.DB, dest, query, args...)
}

// selectDB runs a query on the pool through its prepared statement when there is one.
func (s *Service) selectDB(ctx context.Context, dest any, query string, args ...any) error {
	return s.stmts.Select(ctx, s.DB, dest, query, args...)
}

// resourceLockKey is the advisory-lock key of a resource. Bookings hold it
// shared for their transaction, so they never wait for each other; changes
// of rules and blackouts hold it exclusively, so that a booking is judged
// wholly before or wholly after them. An advisory lock lives in memory:
// unlike SELECT ... FOR SHARE, it writes nothing to the resource's row, which
// every booking of every resource would otherwise contend for.
func resourceLockKey(resourceID int64) int64 { return lockKey("booking-resource:%d", resourceID) }

// quotaLockKey is the advisory-lock key that serializes one member's
// bookings of one resource, so that two bookings made at once cannot both
// pass a weekly quota.
func quotaLockKey(resourceID, memberID int64) int64 {
	return lockKey("booking-quota:%d:%d", resourceID, memberID)
}

// lockKey hashes a name into an advisory-lock key; keys that collide merely
// serialize a little more.
func lockKey(format string, args ...any) int64 {
	h := fnv.New64a()
	fmt.Fprintf(h, format, args...)
	return int64(h.Sum64())
}
