package ledger

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/shopspring/decimal"

	"hearth/app"
)

// Limits of an entry's size.
const (
	maxPostings     = 1000
	maxMetadataKeys = 50
	balanceSlots    = 16 // must match ledger_balances' slot CHECK
)

// DateLayout is how dates are written in the API and in CSV.
const DateLayout = "2006-01-02"

var (
	firstDate = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	lastDate  = time.Date(2999, 12, 31, 0, 0, 0, 0, time.UTC)
)

// Day returns the calendar date of t (its year, month and day in its own
// location) at midnight UTC: the form in which the ledger keeps dates.
func Day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ParseDate reads a YYYY-MM-DD date that exists (no 2026-02-30) and lies
// between 1900 and 2999. Errors: invalid_date (422).
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, app.Unprocessable("invalid_date", "%q is not a date: write an existing date as YYYY-MM-DD.", truncate(s, 40))
	}
	return t, checkDate(t)
}

func checkDate(t time.Time) error {
	if t.Before(firstDate) || t.After(lastDate) {
		return app.Unprocessable("invalid_date", "Dates lie between 1900-01-01 and 2999-12-31.")
	}
	return nil
}

// checked is an entry that passed validation, in canonical form.
type checked struct {
	Entry
	date string // YYYY-MM-DD
	hash []byte
}

// check validates e. Errors (422): invalid_idempotency_key,
// description_required, description_too_long, invalid_date, invalid_metadata,
// too_few_postings, too_many_postings, unknown_account (empty code),
// zero_amount, too_many_places, amount_too_large, unbalanced_entry.
func (l *Ledger) check(e Entry) (checked, error) {
	c := checked{Entry: e}
	if n := len(e.IdempotencyKey); n == 0 || n > 200 {
		return c, app.Unprocessable("invalid_idempotency_key", "An idempotency key has 1 to 200 characters.").OnField("idempotency_key")
	}
	c.Description = strings.TrimSpace(e.Description)
	switch n := len(c.Description); {
	case n == 0:
		return c, app.Unprocessable("description_required", "Describe the entry.").OnField("description")
	case n > 500:
		return c, app.Unprocessable("description_too_long", "A description has at most 500 characters.").OnField("description")
	}
	day := Day(e.EffectiveDate)
	if err := checkDate(day); err != nil {
		return c, err.(*app.Error).OnField("effective_date")
	}
	c.EffectiveDate, c.date = day, day.Format(DateLayout)
	if len(e.Metadata) > maxMetadataKeys {
		return c, app.Unprocessable("invalid_metadata", "An entry carries at most %d metadata keys.", maxMetadataKeys)
	}
	for k, v := range e.Metadata {
		if k == "" || len(k) > 100 || len(v) > 1000 {
			return c, app.Unprocessable("invalid_metadata", "Metadata keys have 1 to 100 characters and values at most 1000.")
		}
	}
	switch n := len(e.Postings); {
	case n < 2:
		return c, app.Unprocessable("too_few_postings", "An entry needs at least two postings.")
	case n > maxPostings:
		return c, app.Unprocessable("too_many_postings", "An entry has at most %d postings.", maxPostings)
	}
	sum := decimal.Zero
	for i, p := range e.Postings {
		field := fmt.Sprintf("postings[%d]", i)
		if p.Account == "" {
			return c, app.Unprocessable("unknown_account", "Posting %d names no account.", i+1).OnField(field + ".account")
		}
		if p.Amount.IsZero() {
			return c, app.Unprocessable("zero_amount", "Posting %d moves nothing: amounts are not zero.", i+1).OnField(field + ".amount")
		}
		if err := checkAmount(p.Amount, l.Places); err != nil {
			return c, err.(*app.Error).OnField(field + ".amount")
		}
		sum = sum.Add(p.Amount)
	}
	if !sum.IsZero() {
		return c, app.Unprocessable("unbalanced_entry",
			"The postings sum to %s instead of zero: debits (positive) must equal credits (negative).", l.FormatAmount(sum))
	}
	c.hash = l.contentHash(c)
	return c, nil
}

// contentHash is the SHA-256 of the entry's canonical content: description,
// date, metadata and postings sorted, amounts written with the currency's
// places. Two requests with the same content hash alike whatever the order
// of their postings or how their amounts were written ("5" or "5.00").
func (l *Ledger) contentHash(c checked) []byte {
	postings := make([][2]string, len(c.Postings))
	for i, p := range c.Postings {
		postings[i] = [2]string{p.Account, l.FormatAmount(p.Amount)}
	}
	sort.Slice(postings, func(i, j int) bool {
		if postings[i][0] != postings[j][0] {
			return postings[i][0] < postings[j][0]
		}
		return postings[i][1] < postings[j][1]
	})
	meta := c.Metadata
	if meta == nil {
		meta = map[string]string{}
	}
	b, _ := json.Marshal(struct {
		Description string            `json:"description"`
		Date        string            `json:"date"`
		Metadata    map[string]string `json:"metadata"` // encoding/json sorts map keys
		Postings    [][2]string       `json:"postings"`
	}{c.Description, c.date, meta, postings})
	h := sha256.Sum256(b)
	return h[:]
}

// accountRef is what posting needs to know of an account.
type accountRef struct {
	ID          int64       `db:"id"`
	Code        string      `db:"code"`
	Type        AccountType `db:"type"`
	NonNegative bool        `db:"non_negative"`
}

func (a accountRef) guard() int {
	if a.NonNegative {
		return a.Type.NormalSign()
	}
	return 0
}

const selectAccountRefs = `SELECT id, code, type, non_negative FROM ledger_accounts WHERE code = ANY($1)`

const claimEntry = `
INSERT INTO ledger_entries (idempotency_key, content_hash, description, effective_date, metadata, reverses_entry_id, posted_by)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (idempotency_key) DO NOTHING
RETURNING id`

// writePostings adds the postings and moves the balances of one entry. The
// balance rows are upserted in (account, slot) order, the one order every
// writer follows, so writers never deadlock on them; each day-total row is
// written after the balance row of its account and slot, which its writer
// already holds, so those rows never make anyone wait.
const writePostings = `
WITH deltas AS (
    SELECT account_id, slot, guard, delta
    FROM unnest($1::bigint[], $2::smallint[], $3::smallint[], $4::numeric[]) AS d (account_id, slot, guard, delta)
), balances AS (
    INSERT INTO ledger_balances AS b (account_id, slot, guard, balance)
    SELECT account_id, slot, guard, delta FROM deltas ORDER BY account_id, slot
    ON CONFLICT (account_id, slot) DO UPDATE SET balance = b.balance + excluded.balance
    RETURNING account_id, slot
), days AS (
    INSERT INTO ledger_daily_totals AS t (account_id, day, slot, total)
    SELECT d.account_id, $5::date, d.slot, d.delta FROM balances b JOIN deltas d USING (account_id, slot)
    ON CONFLICT (account_id, day, slot) DO UPDATE SET total = t.total + excluded.total
)
INSERT INTO ledger_postings (entry_id, account_id, amount, effective_date)
SELECT $6, account_id, amount, $5::date
FROM unnest($7::bigint[], $8::numeric[]) WITH ORDINALITY AS p (account_id, amount, n)
ORDER BY n`

// Post writes a balanced entry inside the caller's transaction, so that a
// move or a payment writes its own rows and its entry atomically. When an
// entry with the same idempotency key exists (committed, or committed by a
// concurrent transaction Post waits for), Post returns it with Replayed set
// if its content is the same, and idempotency_key_reused (409) otherwise.
//
// Errors: those of check (422), unknown_account (422),
// insufficient_funds (422) when a NonNegative account would go below zero,
// idempotency_key_reused (409). After any error the caller must roll the
// transaction back. A caller posting several entries in one transaction
// takes balance locks entry by entry and may, rarely, meet a deadlock
// (app.IsRetryable): retry the whole transaction, as PostEntry does.
func (l *Ledger) Post(ctx context.Context, tx *sqlx.Tx, e Entry) (Posted, error) {
	c, err := l.check(e)
	if err != nil {
		return Posted{}, err
	}
	return l.post(ctx, tx, c, nil)
}

func (l *Ledger) post(ctx context.Context, tx *sqlx.Tx, c checked, reverses *int64) (Posted, error) {
	accounts, err := resolveAccounts(ctx, tx, c.Postings)
	if err != nil {
		return Posted{}, err
	}
	meta, err := json.Marshal(c.Metadata)
	if err != nil || c.Metadata == nil {
		meta = []byte("{}")
	}

	// Claim the key before taking any balance lock: a concurrent replay then
	// waits here holding nothing the first writer needs.
	var id int64
	err = tx.QueryRowxContext(ctx, claimEntry, c.IdempotencyKey, c.hash, c.Description, c.date, meta, reverses, c.PostedBy).Scan(&id)
	if app.ErrNoRows(err) {
		return replay(ctx, tx, c)
	}
	if err != nil {
		return Posted{}, translate(err, "claim entry")
	}

	type delta struct {
		acct accountRef
		slot int
		sum  decimal.Decimal
	}
	byAccount := map[int64]*delta{}
	postAccounts := make([]int64, len(c.Postings))
	postAmounts := make([]string, len(c.Postings))
	for i, p := range c.Postings {
		a := accounts[p.Account]
		postAccounts[i], postAmounts[i] = a.ID, p.Amount.String()
		if d, ok := byAccount[a.ID]; ok {
			d.sum = d.sum.Add(p.Amount)
		} else {
			byAccount[a.ID] = &delta{acct: a, sum: p.Amount}
		}
	}
	deltas := make([]*delta, 0, len(byAccount))
	for _, d := range byAccount {
		if d.sum.IsZero() {
			continue
		}
		// Decreases of a guarded account all queue on slot 0 (see the
		// ledger_balances table); everything else spreads over the slots.
		if g := d.acct.guard(); g != 0 && d.sum.Sign() != g {
			d.slot = 0
		} else {
			d.slot = rand.IntN(balanceSlots)
		}
		deltas = append(deltas, d)
	}
	sort.Slice(deltas, func(i, j int) bool { return deltas[i].acct.ID < deltas[j].acct.ID })
	ids, slots, guards, sums := make([]int64, len(deltas)), make([]int64, len(deltas)), make([]int64, len(deltas)), make([]string, len(deltas))
	for i, d := range deltas {
		ids[i], slots[i], guards[i], sums[i] = d.acct.ID, int64(d.slot), int64(d.acct.guard()), d.sum.String()
	}
	if _, err := tx.ExecContext(ctx, writePostings,
		pq.Array(ids), pq.Array(slots), pq.Array(guards), pq.Array(sums), c.date,
		id, pq.Array(postAccounts), pq.Array(postAmounts)); err != nil {
		return Posted{}, translate(err, "write postings")
	}
	return Posted{ID: id}, nil
}

// resolveAccounts maps the codes of the postings to their accounts. Errors:
// unknown_account (422).
func resolveAccounts(ctx context.Context, tx *sqlx.Tx, postings []Posting) (map[string]accountRef, error) {
	codes := make([]string, 0, len(postings))
	for _, p := range postings {
		codes = append(codes, p.Account)
	}
	var refs []accountRef
	if err := tx.SelectContext(ctx, &refs, selectAccountRefs, pq.Array(codes)); err != nil {
		return nil, fmt.Errorf("ledger: unable to read accounts: %w", err)
	}
	byCode := make(map[string]accountRef, len(refs))
	for _, r := range refs {
		byCode[r.Code] = r
	}
	var missing []string
	seen := map[string]bool{}
	for _, p := range postings {
		if _, ok := byCode[p.Account]; !ok && !seen[p.Account] {
			seen[p.Account] = true
			missing = append(missing, p.Account)
		}
	}
	if len(missing) > 0 {
		return nil, app.Unprocessable("unknown_account", "There is no account %s.", strings.Join(missing, ", "))
	}
	return byCode, nil
}

// replay returns the entry that already holds c's key. Errors:
// idempotency_key_reused (409) when its content differs.
func replay(ctx context.Context, tx *sqlx.Tx, c checked) (Posted, error) {
	var orig struct {
		ID   int64  `db:"id"`
		Hash []byte `db:"content_hash"`
	}
	if err := tx.GetContext(ctx, &orig, `SELECT id, content_hash FROM ledger_entries WHERE idempotency_key = $1`, c.IdempotencyKey); err != nil {
		return Posted{}, fmt.Errorf("ledger: unable to read the entry of key %q: %w", c.IdempotencyKey, err)
	}
	if !bytes.Equal(orig.Hash, c.hash) {
		return Posted{}, app.Conflict("idempotency_key_reused",
			"Idempotency key %q was already used for entry %d with other content.", c.IdempotencyKey, orig.ID).OnField("idempotency_key")
	}
	return Posted{ID: orig.ID, Replayed: true}, nil
}

// PostEntry posts e in a transaction of its own, retrying it when
// PostgreSQL reports a serialization failure or a deadlock. Errors: as Post.
func (l *Ledger) PostEntry(ctx context.Context, e Entry) (Posted, error) {
	c, err := l.check(e)
	if err != nil {
		return Posted{}, err
	}
	return l.retrying(ctx, func(tx *sqlx.Tx) (Posted, error) { return l.post(ctx, tx, c, nil) })
}

// retrying runs fn in a transaction of its own, again when PostgreSQL
// reports a serialization failure or a deadlock, at most 10 times.
func (l *Ledger) retrying(ctx context.Context, fn func(tx *sqlx.Tx) (Posted, error)) (Posted, error) {
	const attempts = 10
	for attempt := 1; ; attempt++ {
		var posted Posted
		err := app.InTx(ctx, l.DB, func(tx *sqlx.Tx) error {
			var err error
			posted, err = fn(tx)
			return err
		})
		if err == nil || !app.IsRetryable(err) || attempt == attempts {
			return posted, translate(err, "commit entry")
		}
		// A short random pause lets the transaction that went first finish.
		select {
		case <-ctx.Done():
			return Posted{}, ctx.Err()
		case <-time.After(time.Duration(rand.IntN(1000*attempt)) * time.Microsecond):
		}
	}
}

// translate turns the names of violated ledger constraints into domain
// errors and wraps anything else with its step.
func translate(err error, step string) error {
	if err == nil {
		return nil
	}
	if _, ok := app.AsError(err); ok {
		return err
	}
	switch app.PQConstraint(err) {
	case "ledger_balances_non_negative":
		return app.Unprocessable("insufficient_funds", "This entry would take account %s below zero, which its rule forbids.", pqDetail(err))
	case "ledger_entries_balanced":
		return app.Unprocessable("unbalanced_entry", "The entry's postings do not sum to zero.")
	case "ledger_entries_reverses_key":
		return app.Conflict("already_reversed", "That entry has already been reversed.")
	case "ledger_postings_amount_check":
		return app.Unprocessable("invalid_amount", "A posting's amount is zero, too large or too precise.")
	}
	return fmt.Errorf("ledger: unable to %s: %w", step, err)
}

// pqDetail returns the DETAIL of a PostgreSQL error (the account code for
// ledger_balances_non_negative).
func pqDetail(err error) string {
	var pe *pq.Error
	if errors.As(err, &pe) {
		return pe.Detail
	}
	return ""
}
