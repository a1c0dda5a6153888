package booking

import (
	"context"
	"fmt"
	"hash/fnv"
	"sync"

	"github.com/jmoiron/sqlx"
)

// The hot queries (booking, free time) run as statements prepared once per
// connection: lib/pq sends an unprepared query with parameters in two round
// trips and PostgreSQL plans it every time; prepared, each is one round
// trip on a cached plan.

// statements caches the prepared statements of a Service by query text.
type statements struct {
	mu      sync.Mutex
	byQ     map[string]*sqlx.Stmt
	pending map[string]bool
}

// prepared returns the cached statement of a query, or nil when there is none
// yet or the service has no pool of its own (a caller that only passes
// transactions). It never waits for a connection: a caller inside a
// transaction already holds one, and waiting for a second while every
// connection of the pool is held by such callers would deadlock. A miss
// prepares the statement in the background for the calls after it.
func (s *Service) prepared(query string) *sqlx.Stmt {
	if s.DB == nil {
		return nil
	}
	s.stmts.mu.Lock()
	defer s.stmts.mu.Unlock()
	if st, ok := s.stmts.byQ[query]; ok {
		return st
	}
	if !s.stmts.pending[query] {
		if s.stmts.pending == nil {
			s.stmts.pending = map[string]bool{}
		}
		s.stmts.pending[query] = true
		go s.prepare(query)
	}
	return nil
}

func (s *Service) prepare(query string) {
	st, err := s.DB.Preparex(query)
	s.stmts.mu.Lock()
	defer s.stmts.mu.Unlock()
	delete(s.stmts.pending, query)
	if err != nil {
		return // the pool is closing, or the query will fail on its own where it runs
	}
	if s.stmts.byQ == nil {
		s.stmts.byQ = map[string]*sqlx.Stmt{}
	}
	s.stmts.byQ[query] = st
}

// getTx runs a one-row query in tx through its prepared statement when there is one.
func (s *Service) getTx(ctx context.Context, tx *sqlx.Tx, dest any, query string, args ...any) error {
	if st := s.prepared(query); st != nil {
		return tx.StmtxContext(ctx, st).GetContext(ctx, dest, args...)
	}
	return tx.GetContext(ctx, dest, query, args...)
}

// getDB runs a one-row query on the pool through its prepared statement when there is one.
func (s *Service) getDB(ctx context.Context, dest any, query string, args ...any) error {
	if st := s.prepared(query); st != nil {
		return st.GetContext(ctx, dest, args...)
	}
	return s.DB.GetContext(ctx, dest, query, args...)
}

// selectDB runs a query on the pool through its prepared statement when there is one.
func (s *Service) selectDB(ctx context.Context, dest any, query string, args ...any) error {
	if st := s.prepared(query); st != nil {
		return st.SelectContext(ctx, dest, args...)
	}
	return s.DB.SelectContext(ctx, dest, query, args...)
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
