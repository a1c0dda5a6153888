package ledger

import (
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
	"hearth/day"
	"hearth/money"
)

// dateLayout is how the ledger writes a day to PostgreSQL and into CSV.
const dateLayout = day.Layout

// Limits of an entry's size.
const (
	maxPostings     = 1000
	maxMetadataKeys = 50
)

// Hearth's books hold days of these years; day.Parse reads no others, and
// entries that services build are held to the same.
var (
	firstDate = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	lastDate  = time.Date(2999, 12, 31, 0, 0, 0, 0, time.UTC)
)

// Day returns the calendar date of t (its year, month and day in its own
// location) at midnight UTC: the form in which the ledger keeps dates.
func Day(t time.Time) time.Time { return day.Of(t).Time() }

// checkDate refuses a day outside the books' years. Errors: invalid_date (422).
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
	d := Day(e.EffectiveDate)
	if err := checkDate(d); err != nil {
		return c, err.(*app.Error).OnField("effective_date")
	}
	c.EffectiveDate, c.date = d, d.Format(dateLayout)
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
		if err := money.Check(p.Amount, l.Places); err != nil {
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

// callPost runs ledger_post (migration 00102), which resolves the
// accounts, claims the key, moves the balances and inserts the postings in
// one round trip (prepared, as lib/pq needs two for a query with
// parameters that is not).
const callPost = `SELECT out_id, out_replayed, out_same, out_unknown FROM ledger_post($1, $2, $3, $4, $5, $6, $7, $8, $9)`

// PostTx writes a balanced entry inside the caller's transaction, so that a
// move or a payment writes its own rows and its entry atomically. When an
// entry with the same idempotency key exists (committed, or committed by a
// concurrent transaction Post waits for), Post returns it with Replayed set
// if its content is the same, and idempotency_key_reused (409) otherwise.
//
// Balances stay exact under concurrent writers without deadlocks: the
// balance rows an entry moves are locked in one stable order, and a
// NonNegative account's decreases queue on one row, each checked against
// the ones before it.
//
// Errors: those of check (422), unknown_account (422),
// insufficient_funds (422) when a NonNegative account would go below zero,
// idempotency_key_reused (409). After any error the caller must roll the
// transaction back. A caller posting several entries in one transaction
// takes balance locks entry by entry and may, rarely, meet a deadlock
// (app.IsRetryable): retry the whole transaction, as PostEntry does.
func (l *Ledger) PostTx(ctx context.Context, tx *sqlx.Tx, e Entry) (Posted, error) {
	c, err := l.check(e)
	if err != nil {
		return Posted{}, err
	}
	return l.post(ctx, tx, c, nil)
}

// post writes a checked entry through q: the caller's transaction, or the
// pool, where the one statement is a transaction of its own.
func (l *Ledger) post(ctx context.Context, q sqlx.QueryerContext, c checked, reverses *int64) (Posted, error) {
	meta, err := json.Marshal(c.Metadata)
	if err != nil || c.Metadata == nil {
		meta = []byte("{}")
	}
	codes := make([]string, len(c.Postings))
	amounts := make([]string, len(c.Postings))
	for i, p := range c.Postings {
		codes[i], amounts[i] = p.Account, p.Amount.String()
	}
	var out struct {
		ID       *int64         `db:"out_id"`
		Replayed bool           `db:"out_replayed"`
		Same     *bool          `db:"out_same"`
		Unknown  pq.StringArray `db:"out_unknown"`
	}
	err = l.stmts.Get(ctx, l.DB, q, &out, callPost, c.IdempotencyKey, c.hash, c.Description, c.date, meta, reverses, c.PostedBy,
		pq.Array(codes), pq.Array(amounts))
	switch {
	case err != nil:
		return Posted{}, translate(err, "post entry")
	case len(out.Unknown) > 0:
		return Posted{}, app.Unprocessable("unknown_account", "There is no account %s.", strings.Join(out.Unknown, ", "))
	case out.Replayed && (out.Same == nil || !*out.Same):
		return Posted{}, app.Conflict("idempotency_key_reused",
			"Idempotency key %q was already used for entry %d with other content.", c.IdempotencyKey, *out.ID).OnField("idempotency_key")
	}
	return Posted{ID: *out.ID, Replayed: out.Replayed}, nil
}

// PostEntry posts e for the treasurer, who is recorded as its poster, in a
// transaction of its own, retrying it when PostgreSQL reports a
// serialization failure or a deadlock. Errors: forbidden (403); as PostTx.
func (l *Ledger) PostEntry(ctx context.Context, p *app.Principal, e Entry) (Posted, error) {
	if err := CanKeepBooks(p); err != nil {
		return Posted{}, err
	}
	e.PostedBy = &p.ID
	c, err := l.check(e)
	if err != nil {
		return Posted{}, err
	}
	// ledger_post is one statement, so outside a transaction it is a
	// transaction of its own (deferred checks included): one round trip
	// instead of three.
	return retrying(ctx, func() (Posted, error) { return l.post(ctx, l.DB, c, nil) })
}

// retrying runs fn again when PostgreSQL reports a serialization failure
// or a deadlock, at most 10 times in all.
func retrying(ctx context.Context, fn func() (Posted, error)) (Posted, error) {
	const attempts = 10
	for attempt := 1; ; attempt++ {
		posted, err := fn()
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
