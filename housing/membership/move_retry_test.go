package membership_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"hearth/app"
	"hearth/housing/membership"
)

// A deadlock inside a completion is retried, and the retry completes the
// move. Nothing is mocked; the test makes a real deadlock with the two
// locks a completion takes, the move request's row first and the
// destination unit's row second:
//
//  1. the test's transaction B locks the unit's row;
//  2. a transaction C locks the members table, so that CompleteMove, having
//     locked the move's row, waits in its next read;
//  3. B asks for the move's row and waits for the completion;
//  4. once B's deadlock check has run (deadlock_timeout) and found no cycle,
//     for the completion waited for C then, C lets go: the completion asks
//     for the unit's row, held by B, and closes the cycle. Its own check is
//     the one that finds it, so PostgreSQL aborts the completion's
//     transaction with SQLSTATE 40P01 and B gets the move's row.
//
// B holding the move's row while CompleteMove has not returned shows that
// the first attempt ended; once B rolls back, the second attempt completes
// the move. The deadlock reaches the retry loop wrapped ("membership: unable
// to lock unit: pq: deadlock detected"), so this also shows that the loop
// finds the PostgreSQL error through the chain (app.IsRetryable uses
// errors.As).
func TestCompleteMoveRetriesADeadlock(t *testing.T) {
	t.Parallel()
	e := newMoveEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	m := e.resident(e.harbor, "Farid", "40000", "40000", "0", "0")
	l5 := e.unit(e.linden, "L5", "30000")
	e.today = day("2026-06-15")
	mv, err := e.svc.RequestMove(ctx, as(m), membership.MoveRequest{QuoteRequest: membership.QuoteRequest{UnitID: l5, MoveOn: e.today}})
	if err != nil {
		t.Fatal(err)
	}
	boss := e.treasurer()
	if _, err := e.svc.ApproveMove(ctx, boss, mv.ID); err != nil {
		t.Fatal(err)
	}
	var checkAfter time.Duration
	var timeout string
	if err := e.db.Get(&timeout, `SELECT setting FROM pg_settings WHERE name = 'deadlock_timeout'`); err != nil {
		t.Fatal(err)
	}
	ms, err := strconv.Atoi(timeout) // in milliseconds
	if err != nil {
		t.Fatalf("deadlock_timeout %q: %v", timeout, err)
	}
	checkAfter = time.Duration(ms) * time.Millisecond
	deadlocksBefore := deadlocks(t, e)

	b, err := e.db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Rollback()
	if _, err := b.ExecContext(ctx, `SELECT 1 FROM units WHERE id = $1 FOR UPDATE`, l5); err != nil {
		t.Fatal(err)
	}
	c, err := e.db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Rollback()
	if _, err := c.ExecContext(ctx, `LOCK TABLE members IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}

	type result struct {
		mv  membership.Move
		err error
	}
	done := make(chan result, 1)
	go func() {
		mv, err := e.svc.CompleteMove(ctx, boss, mv.ID)
		done <- result{mv, err}
	}()
	waitForLockWaits(t, e, 1, done) // the completion, on C
	bGot := make(chan error, 1)
	go func() {
		_, err := b.ExecContext(ctx, `SELECT 1 FROM move_requests WHERE id = $1 FOR UPDATE`, mv.ID)
		bGot <- err
	}()
	waitForLockWaits(t, e, 2, done) // and B, on the completion
	time.Sleep(3 * checkAfter)      // B's only deadlock check runs, and finds none
	if err := c.Rollback(); err != nil {
		t.Fatal(err)
	}

	select {
	case err := <-bGot:
		if err != nil {
			t.Fatalf("the test's transaction was the deadlock's victim, not the completion's: %v", err)
		}
	case r := <-done:
		t.Fatalf("the completion ended while the test held the unit: %s, %v", r.mv.Status, r.err)
	case <-ctx.Done():
		t.Fatal("no deadlock was found")
	}
	select {
	case r := <-done:
		t.Fatalf("the completion ended while the test held its rows: %s, %v", r.mv.Status, r.err)
	default: // it tries again, and waits for the move's row
	}
	if err := b.Rollback(); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil {
		t.Fatalf("the completion was not retried after the deadlock: %v (retryable: %v)", r.err, app.IsRetryable(r.err))
	}
	if r.mv.Status != membership.MoveCompleted || r.mv.Completion == nil || r.mv.Replayed {
		t.Errorf("after the retry: %s, completion %v, replayed %v; want completed by this call", r.mv.Status, r.mv.Completion, r.mv.Replayed)
	}
	for table, want := range map[string]int{"move_completions": 1, "unit_vacancies": 1} {
		var got int
		if err := e.db.Get(&got, `SELECT count(*) FROM `+table); err != nil || got != want {
			t.Errorf("%s has %d rows (%v), want %d", table, got, err, want)
		}
	}
	// PostgreSQL counted the deadlock; its statistics arrive within seconds.
	for deadline := time.Now().Add(30 * time.Second); deadlocks(t, e) == deadlocksBefore; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("PostgreSQL counted no deadlock in the test's database")
		}
	}
}

// deadlocks is how many deadlocks PostgreSQL has counted in the test's
// database.
func deadlocks(t *testing.T, e *moveEnv) int64 {
	t.Helper()
	var n int64
	if err := e.db.Get(&n, `SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()`); err != nil {
		t.Fatal(err)
	}
	return n
}

// waitForLockWaits waits until n sessions of the test's database wait for
// a lock. A completion that ends meanwhile fails the test.
func waitForLockWaits[T any](t *testing.T, e *moveEnv, n int, done <-chan T) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		var waiting int
		if err := e.db.Get(&waiting, `
			SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`); err != nil {
			t.Fatal(err)
		}
		if waiting >= n {
			return
		}
		select {
		case r := <-done:
			t.Fatalf("the completion did not wait: %+v", r)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions wait for a lock, want %d", waiting, n)
		}
	}
}
