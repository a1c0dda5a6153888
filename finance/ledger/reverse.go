package ledger

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"hearth/app"
)

// Reversal asks to reverse an entry: a new entry with every posting
// negated, which is how the ledger corrects a mistake.
type Reversal struct {
	EntryID       int64
	Reason        string    // why, 1–300 characters; kept in the reversing entry
	EffectiveDate time.Time // zero means the books' today
	PostedBy      *int64
}

// reversalKey is the idempotency key of the reversal of an entry: an entry
// is reversed at most once, and a repeated request finds the first reversal.
func reversalKey(id int64) string { return "reversal-of-" + strconv.FormatInt(id, 10) }

// ReverseTx posts, in the caller's transaction, the reversal of an entry. The
// same request again (same reason and date) returns the first reversal with
// Replayed set. Errors: not_found, reason_required, reason_too_long,
// invalid_date, reversal_before_entry (422), insufficient_funds (422) when
// undoing the entry would take a NonNegative account below zero,
// already_reversed (409).
func (l *Ledger) ReverseTx(ctx context.Context, tx *sqlx.Tx, r Reversal) (Posted, error) {
	reason := strings.TrimSpace(r.Reason)
	switch n := len(reason); {
	case n == 0:
		return Posted{}, app.Unprocessable("reason_required", "Say why the entry is reversed.").OnField("reason")
	case n > 300:
		return Posted{}, app.Unprocessable("reason_too_long", "A reason has at most 300 characters.").OnField("reason")
	}
	orig, err := l.entry(ctx, tx, r.EntryID)
	if err != nil {
		return Posted{}, err
	}
	day := r.EffectiveDate
	if day.IsZero() {
		day = l.Today().Time()
	}
	if Day(day).Before(orig.EffectiveDate) {
		return Posted{}, app.Unprocessable("reversal_before_entry",
			"A reversal cannot be dated before the entry it reverses (%s).", orig.EffectiveDate.Format(dateLayout)).OnField("effective_date")
	}
	e := Entry{
		IdempotencyKey: reversalKey(orig.ID),
		Description:    truncate(fmt.Sprintf("Reversal of #%d (%s): %s", orig.ID, orig.Description, reason), 490),
		EffectiveDate:  day,
		Metadata:       map[string]string{"reverses": strconv.FormatInt(orig.ID, 10), "reason": reason},
		PostedBy:       r.PostedBy,
	}
	for _, p := range orig.Postings {
		e.Postings = append(e.Postings, Posting{Account: p.Account, Amount: p.Amount.Neg()})
	}
	c, err := l.check(e)
	if err != nil {
		return Posted{}, err
	}
	posted, err := l.post(ctx, tx, c, &orig.ID)
	if e, ok := app.AsError(err); ok && e.Code == "idempotency_key_reused" {
		return Posted{}, app.Conflict("already_reversed", "Entry %d has already been reversed.", orig.ID)
	}
	return posted, err
}

// ReverseEntry reverses an entry for the treasurer, who is recorded as the
// reversal's poster, in a transaction of its own, retrying as PostEntry
// does. Errors: forbidden (403); as ReverseTx.
func (l *Ledger) ReverseEntry(ctx context.Context, p *app.Principal, r Reversal) (Posted, error) {
	if err := CanKeepBooks(p); err != nil {
		return Posted{}, err
	}
	r.PostedBy = &p.ID
	return retrying(ctx, func() (Posted, error) {
		var posted Posted
		err := app.InTx(ctx, l.DB, func(tx *sqlx.Tx) error {
			var err error
			posted, err = l.ReverseTx(ctx, tx, r)
			return err
		})
		return posted, err
	})
}
