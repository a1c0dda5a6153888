package app

import (
	"context"
	"sync"

	"github.com/jmoiron/sqlx"
)

// Statements caches the prepared statements of a pool by query text, for
// the hot queries (a booking, a ledger entry, free time). lib/pq sends an
// unprepared query with parameters in two round trips and PostgreSQL plans
// it every time; prepared, each is one round trip on a cached plan. The
// zero value is ready to use.
type Statements struct {
	mu      sync.Mutex
	byQ     map[string]*sqlx.Stmt
	pending map[string]bool
}

// get returns the cached statement of a query on db, or nil when there is
// none yet. It never waits for a connection: a caller inside a transaction
// already holds one, and waiting for a second while every connection of the
// pool is held by such callers would deadlock. A miss prepares the
// statement in the background for the calls after it.
func (s *Statements) get(db *sqlx.DB, query string) *sqlx.Stmt {
	if db == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.byQ[query]; ok {
		return st
	}
	if !s.pending[query] {
		if s.pending == nil {
			s.pending = map[string]bool{}
		}
		s.pending[query] = true
		go s.prepare(db, query)
	}
	return nil
}

func (s *Statements) prepare(db *sqlx.DB, query string) {
	st, err := db.Preparex(query)
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.pending, query)
	if err != nil {
		return // the pool is closing, or the query will fail on its own where it runs
	}
	if s.byQ == nil {
		s.byQ = map[string]*sqlx.Stmt{}
	}
	s.byQ[query] = st
}

// on returns the query's prepared statement for q, which is db itself or
// a transaction of it, or nil when there is none yet.
func (s *Statements) on(ctx context.Context, db *sqlx.DB, q sqlx.QueryerContext, query string) *sqlx.Stmt {
	st := s.get(db, query)
	if st == nil {
		return nil
	}
	switch q := q.(type) {
	case *sqlx.Tx:
		return q.StmtxContext(ctx, st)
	case *sqlx.DB:
		if q == db {
			return st
		}
	}
	return nil
}

// Get runs a one-row query on q (db or a transaction of it), as
// sqlx.GetContext, through the query's prepared statement when there is one.
func (s *Statements) Get(ctx context.Context, db *sqlx.DB, q sqlx.QueryerContext, dest any, query string, args ...any) error {
	if st := s.on(ctx, db, q, query); st != nil {
		return st.GetContext(ctx, dest, args...)
	}
	return sqlx.GetContext(ctx, q, dest, query, args...)
}

// Select runs a query on db, as sqlx.SelectContext, through its prepared
// statement when there is one.
func (s *Statements) Select(ctx context.Context, db *sqlx.DB, dest any, query string, args ...any) error {
	if st := s.get(db, query); st != nil {
		return st.SelectContext(ctx, dest, args...)
	}
	return db.SelectContext(ctx, dest, query, args...)
}
