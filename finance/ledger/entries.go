package ledger

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/shopspring/decimal"

	"hearth/app"
)

// PostedEntry is an entry as stored.
type PostedEntry struct {
	ID              int64
	IdempotencyKey  string
	Description     string
	EffectiveDate   time.Time
	Metadata        map[string]string
	ReversesEntryID *int64 // the entry this one reverses
	ReversedBy      *int64 // the entry that reverses this one
	PostedBy        *int64
	PostedByName    string
	CreatedAt       time.Time
	Postings        []PostedPosting
}

// PostedPosting is a posting as stored, with its account's type.
type PostedPosting struct {
	ID          int64
	Account     string
	AccountType AccountType
	Amount      decimal.Decimal
}

// Period selects by effective date, both ends included; nil ends are open.
type Period struct {
	From *time.Time
	To   *time.Time
}

// Check refuses a period that ends before it starts. Errors: invalid_period (422).
func (p Period) Check() error {
	if p.From != nil && p.To != nil && Day(*p.To).Before(Day(*p.From)) {
		return app.Unprocessable("invalid_period", "The period ends before it starts.").OnField("to")
	}
	return nil
}

// EntryQuery pages through entries of a period in order of effective date,
// then id.
type EntryQuery struct {
	Period
	After int64 // the id of the last entry of the previous page, 0 for the first
	Limit int   // 1–1000, 100 when 0
}

// EntryPage is one page of the journal. Next is the After of the next page,
// 0 when this is the last.
type EntryPage struct {
	Entries []PostedEntry
	Next    int64
}

const selectEntries = `
SELECT e.id, e.idempotency_key, e.description, e.effective_date, e.metadata, e.reverses_entry_id,
       r.id AS reversed_by, e.posted_by, coalesce(m.name, '') AS posted_by_name, e.created_at
FROM ledger_entries e
LEFT JOIN ledger_entries r ON r.reverses_entry_id = e.id
LEFT JOIN members m ON m.id = e.posted_by
WHERE ($1::bigint IS NULL OR e.id = $1)
  AND ($2::date IS NULL OR e.effective_date >= $2)
  AND ($3::date IS NULL OR e.effective_date <= $3)
  AND ($4::bigint = 0 OR (e.effective_date, e.id) > (SELECT effective_date, id FROM ledger_entries WHERE id = $4))
ORDER BY e.effective_date, e.id
LIMIT $5`

const selectEntryPostings = `
SELECT p.id, p.entry_id, a.code, a.type, p.amount
FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id
WHERE p.entry_id = ANY($1)
ORDER BY p.entry_id, p.id`

type entryRow struct {
	ID              int64     `db:"id"`
	IdempotencyKey  string    `db:"idempotency_key"`
	Description     string    `db:"description"`
	EffectiveDate   time.Time `db:"effective_date"`
	Metadata        []byte    `db:"metadata"`
	ReversesEntryID *int64    `db:"reverses_entry_id"`
	ReversedBy      *int64    `db:"reversed_by"`
	PostedBy        *int64    `db:"posted_by"`
	PostedByName    string    `db:"posted_by_name"`
	CreatedAt       time.Time `db:"created_at"`
}

func (l *Ledger) selectEntries(ctx context.Context, q sqlx.QueryerContext, id *int64, p Period, after int64, limit int) ([]PostedEntry, error) {
	var rows []entryRow
	if err := sqlx.SelectContext(ctx, q, &rows, selectEntries, id, dayParam(p.From), dayParam(p.To), after, limit); err != nil {
		return nil, fmt.Errorf("ledger: unable to list entries: %w", err)
	}
	entries := make([]PostedEntry, len(rows))
	ids := make([]int64, len(rows))
	index := make(map[int64]int, len(rows))
	for i, r := range rows {
		e := PostedEntry{
			ID: r.ID, IdempotencyKey: r.IdempotencyKey, Description: r.Description, EffectiveDate: Day(r.EffectiveDate),
			ReversesEntryID: r.ReversesEntryID, ReversedBy: r.ReversedBy, PostedBy: r.PostedBy, PostedByName: r.PostedByName,
			CreatedAt: r.CreatedAt,
		}
		if err := json.Unmarshal(r.Metadata, &e.Metadata); err != nil {
			return nil, fmt.Errorf("ledger: entry %d has unreadable metadata: %w", r.ID, err)
		}
		entries[i], ids[i], index[r.ID] = e, r.ID, i
	}
	if len(ids) == 0 {
		return entries, nil
	}
	var postings []struct {
		ID      int64           `db:"id"`
		EntryID int64           `db:"entry_id"`
		Code    string          `db:"code"`
		Type    AccountType     `db:"type"`
		Amount  decimal.Decimal `db:"amount"`
	}
	if err := sqlx.SelectContext(ctx, q, &postings, selectEntryPostings, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("ledger: unable to list postings: %w", err)
	}
	for _, p := range postings {
		e := &entries[index[p.EntryID]]
		e.Postings = append(e.Postings, PostedPosting{ID: p.ID, Account: p.Code, AccountType: p.Type, Amount: p.Amount})
	}
	return entries, nil
}

// Entries returns a page of the journal for the treasurer. Errors:
// forbidden (403), invalid_period (422).
func (l *Ledger) Entries(ctx context.Context, p *app.Principal, eq EntryQuery) (EntryPage, error) {
	if err := CanKeepBooks(p); err != nil {
		return EntryPage{}, err
	}
	if err := eq.Check(); err != nil {
		return EntryPage{}, err
	}
	limit := pageLimit(eq.Limit)
	entries, err := l.selectEntries(ctx, l.DB, nil, eq.Period, eq.After, limit+1)
	if err != nil {
		return EntryPage{}, err
	}
	page := EntryPage{Entries: entries}
	if len(entries) > limit {
		page.Entries = entries[:limit]
		page.Next = entries[limit-1].ID
	}
	return page, nil
}

// Entry returns one entry with its postings for the treasurer. Errors:
// forbidden (403), not_found.
func (l *Ledger) Entry(ctx context.Context, p *app.Principal, id int64) (PostedEntry, error) {
	if err := CanKeepBooks(p); err != nil {
		return PostedEntry{}, err
	}
	return l.entry(ctx, l.DB, id)
}

func (l *Ledger) entry(ctx context.Context, q sqlx.QueryerContext, id int64) (PostedEntry, error) {
	entries, err := l.selectEntries(ctx, q, &id, Period{}, 0, 1)
	if err != nil {
		return PostedEntry{}, err
	}
	if len(entries) == 0 {
		return PostedEntry{}, app.NotFound("There is no entry %d.", id)
	}
	return entries[0], nil
}

// pageLimit bounds a page size to 1–1000, 100 by default.
func pageLimit(n int) int {
	switch {
	case n <= 0:
		return 100
	case n > 1000:
		return 1000
	}
	return n
}
