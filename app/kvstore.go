package app

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// KVStore keeps short-lived middleware state (CSRF tokens, rate-limit
// counters) in PostgreSQL so that every server behind a load balancer shares
// it. Its methods match fiber.Storage.
type KVStore struct {
	DB *sqlx.DB
}

func (s *KVStore) Get(key string) ([]byte, error) {
	var v []byte
	err := s.DB.Get(&v, `SELECT value FROM kv_store WHERE key = $1 AND (expires_at IS NULL OR expires_at > now())`, key)
	if ErrNoRows(err) {
		return nil, nil
	}
	return v, err
}

func (s *KVStore) Set(key string, val []byte, exp time.Duration) error {
	var expires *time.Time
	if exp > 0 {
		t := time.Now().Add(exp)
		expires = &t
	}
	_, err := s.DB.Exec(`
		INSERT INTO kv_store (key, value, expires_at) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`, key, val, expires)
	return err
}

func (s *KVStore) Delete(key string) error {
	_, err := s.DB.Exec(`DELETE FROM kv_store WHERE key = $1`, key)
	return err
}

func (s *KVStore) Reset() error {
	_, err := s.DB.Exec(`DELETE FROM kv_store`)
	return err
}

func (s *KVStore) Close() error { return nil }

// Sweep deletes expired middleware state. The server runs it periodically.
func (s *KVStore) Sweep(ctx context.Context) error {
	if _, err := s.DB.ExecContext(ctx, `DELETE FROM kv_store WHERE expires_at < now()`); err != nil {
		return fmt.Errorf("kv: unable to sweep: %w", err)
	}
	return nil
}
