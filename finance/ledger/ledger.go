// Package ledger is Hearth's double-entry ledger, the single source of truth
// for money. Every money movement becomes an entry of two or more postings
// that sum to zero; entries are immutable (the database refuses UPDATE and
// DELETE) and carry an idempotency key.
//
// Sign convention: amounts are debit-positive and credit-negative, and an
// account's balance is the raw sum of its postings. Asset and expense
// accounts therefore normally show positive balances; liability, equity and
// income accounts normally show negative ones (credits). The sum of every
// account's balance (the trial balance) is always zero.
package ledger

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/shopspring/decimal"

	"hearth/app"
	"hearth/day"
)

// AccountType is one of the five kinds of account of double-entry bookkeeping.
type AccountType string

// The account types.
const (
	Asset     AccountType = "asset"
	Liability AccountType = "liability"
	Equity    AccountType = "equity"
	Income    AccountType = "income"
	Expense   AccountType = "expense"
)

// AccountTypes lists the types in the order of a chart of accounts.
var AccountTypes = []AccountType{Asset, Liability, Equity, Income, Expense}

// Valid reports whether t is one of the five types.
func (t AccountType) Valid() bool {
	for _, v := range AccountTypes {
		if t == v {
			return true
		}
	}
	return false
}

// NormalSign is +1 for debit-normal types (asset, expense) and -1 for
// credit-normal ones (liability, equity, income): a balance times its
// account's normal sign is what a treasurer reads as "the balance".
func (t AccountType) NormalSign() int {
	if t == Asset || t == Expense {
		return 1
	}
	return -1
}

// Heading names the type's part of a chart of accounts ("Assets").
func (t AccountType) Heading() string {
	switch t {
	case Asset:
		return "Assets"
	case Liability:
		return "Liabilities"
	case Expense:
		return "Expenses"
	}
	return strings.ToUpper(string(t[:1])) + string(t[1:])
}

// Account is an account of the chart of accounts.
type Account struct {
	Code     string      // hierarchical, "assets:bank:operating"
	Type     AccountType // asset, liability, equity, income, expense
	Name     string      // optional human name
	SiteID   *int64      // optional link to a site
	MemberID *int64      // optional link to a member
	// NonNegative forbids the balance to go below zero in the account's
	// normal direction: a debit-normal account (asset, expense) may not
	// become negative (a bank account may not be overdrawn), a credit-normal
	// account (liability, equity, income) may not become positive (a
	// member's share equity may not drop below zero). It holds under
	// concurrent writers; see Post.
	NonNegative bool
}

// Parent is the code up to its last segment, colon included
// ("assets:bank:" for "assets:bank:operating"), "" for a top-level code.
func (a Account) Parent() string { return a.Code[:strings.LastIndex(a.Code, ":")+1] }

// Leaf is the last segment of the code ("operating").
func (a Account) Leaf() string { return a.Code[strings.LastIndex(a.Code, ":")+1:] }

// Posting moves Amount into (debit, positive) or out of (credit, negative)
// an account, named by its code.
type Posting struct {
	Account string
	Amount  decimal.Decimal
}

// Entry is a balanced journal entry to post.
type Entry struct {
	IdempotencyKey string            // unique; 1–200 characters
	Description    string            // 1–500 characters
	EffectiveDate  time.Time         // a date: only its year, month and day count
	Metadata       map[string]string // optional
	Postings       []Posting         // at least two, summing to zero
	PostedBy       *int64            // optional member who posted it (not part of its content)
}

// Posted says what Post did. Replayed is true when an entry with the same
// key and the same content already existed and ID is that original entry.
type Posted struct {
	ID       int64
	Replayed bool
}

// Ledger posts entries and reads balances.
//
// Its methods come in two kinds. The treasurer's operations (OpenAccount,
// Accounts, Account, TrialBalance, Statement, StatementCSV, Entries, Entry,
// JournalCSV, PostEntry, ReverseEntry) take the caller and refuse anyone
// but the treasurer (CanKeepBooks); each opens its own transaction. The
// building blocks other services compose (CreateAccountTx,
// EnsureAccountTx, PostTx, ReverseTx, BalanceTx, Balance,
// EachStatementLine) take no caller: the service that calls them has
// decided who may see or move what, and the …Tx ones run in its
// transaction.
type Ledger struct {
	DB       *sqlx.DB
	Places   int32  // the currency's minor units, 2 for USD
	Currency string // ISO 4217 code
	// Zone is where the books' days are counted: "today", the default
	// date of a reversal and the journal's current month. The books are
	// the cooperative's, not a site's, so they follow the cooperative's
	// zone (HEARTH_TIMEZONE), never the server's; nil is UTC.
	Zone *time.Location

	stmts app.Statements // ledger_post's call, prepared per connection
}

// New returns the ledger of a cooperative keeping its books in currency
// (an ISO 4217 code such as "USD").
func New(db *sqlx.DB, currency string) *Ledger {
	currency = strings.ToUpper(currency)
	return &Ledger{DB: db, Places: CurrencyPlaces(currency), Currency: currency, Zone: time.UTC}
}

// Today is the books' date today, in their zone.
func (l *Ledger) Today() day.Day {
	if l.Zone == nil {
		return day.Today(time.UTC)
	}
	return day.Today(l.Zone)
}

// CanKeepBooks returns forbidden unless p may read and write the books:
// the treasurer alone. Members see their own money through the equity and
// charges areas, never through the ledger; coordinators run a site, not
// its accounts.
func CanKeepBooks(p *app.Principal) error {
	if !p.IsAdmin() {
		return app.Forbidden("Only the treasurer (an admin) keeps the books.")
	}
	return nil
}

// CurrencyPlaces returns the number of minor-unit places of an ISO 4217
// currency: 2 unless the currency is one of the few with 0 or 3.
func CurrencyPlaces(currency string) int32 {
	switch strings.ToUpper(currency) {
	case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF":
		return 0
	case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND":
		return 3
	}
	return 2
}

var codePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*(:[a-z0-9][a-z0-9_-]*)*$`)

// validateAccount checks an account before it is stored. Errors:
// invalid_account_code, invalid_account_type, invalid_account_name (422).
func validateAccount(a Account) error {
	if len(a.Code) > 200 || !codePattern.MatchString(a.Code) {
		return app.Unprocessable("invalid_account_code",
			"An account code is lowercase words of letters, digits, - or _ joined by colons, like assets:bank:operating.").OnField("code")
	}
	if !a.Type.Valid() {
		return app.Unprocessable("invalid_account_type",
			"An account type is one of asset, liability, equity, income or expense.").OnField("type")
	}
	if len(a.Name) > 200 {
		return app.Unprocessable("invalid_account_name", "An account name has at most 200 characters.").OnField("name")
	}
	return nil
}

const insertAccount = `
INSERT INTO ledger_accounts (code, type, name, site_id, member_id, non_negative)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (code) DO NOTHING
RETURNING id`

// insertAccountRow inserts a and reports whether it was new. ON CONFLICT
// keeps a taken code from aborting the caller's transaction.
func insertAccountRow(ctx context.Context, tx *sqlx.Tx, a Account) (bool, error) {
	if err := validateAccount(a); err != nil {
		return false, err
	}
	var id int64
	err := tx.QueryRowxContext(ctx, insertAccount, a.Code, a.Type, strings.TrimSpace(a.Name), a.SiteID, a.MemberID, a.NonNegative).Scan(&id)
	switch {
	case app.ErrNoRows(err):
		return false, nil
	case err != nil:
		if c := app.PQConstraint(err); strings.HasPrefix(c, "ledger_accounts_") && strings.HasSuffix(c, "_fkey") {
			return false, app.Unprocessable("unknown_link", "The site or member linked to account %s does not exist.", a.Code)
		}
		return false, fmt.Errorf("ledger: unable to create account %s: %w", a.Code, err)
	}
	return true, nil
}

// CreateAccountTx creates an account in the caller's transaction. Errors:
// invalid_account_code, invalid_account_type, invalid_account_name,
// unknown_link (422); account_exists (409) when the code is taken.
func (l *Ledger) CreateAccountTx(ctx context.Context, tx *sqlx.Tx, a Account) error {
	created, err := insertAccountRow(ctx, tx, a)
	if err != nil {
		return err
	}
	if !created {
		return app.Conflict("account_exists", "There is already an account %s.", a.Code).OnField("code")
	}
	return nil
}

// EnsureAccountTx creates the account, in the caller's transaction, unless
// an account with its code exists. An existing account keeps its name,
// links and rule. Errors: those of CreateAccountTx, and
// account_type_mismatch (409) when the existing account has another type.
func (l *Ledger) EnsureAccountTx(ctx context.Context, tx *sqlx.Tx, a Account) error {
	created, err := insertAccountRow(ctx, tx, a)
	if err != nil || created {
		return err
	}
	var typ AccountType
	if err := tx.GetContext(ctx, &typ, `SELECT type FROM ledger_accounts WHERE code = $1`, a.Code); err != nil {
		return fmt.Errorf("ledger: unable to read account %s: %w", a.Code, err)
	}
	if typ != a.Type {
		return app.Conflict("account_type_mismatch", "Account %s exists with type %s, not %s.", a.Code, typ, a.Type)
	}
	return nil
}

// OpenAccount creates an account for the treasurer, in a transaction of
// its own, and returns it. Errors: forbidden (403); as CreateAccountTx.
func (l *Ledger) OpenAccount(ctx context.Context, p *app.Principal, a Account) (AccountBalance, error) {
	var out AccountBalance
	if err := CanKeepBooks(p); err != nil {
		return out, err
	}
	err := app.InTx(ctx, l.DB, func(tx *sqlx.Tx) error {
		if err := l.CreateAccountTx(ctx, tx, a); err != nil {
			return err
		}
		var err error
		out, err = l.account(ctx, tx, a.Code, nil)
		return err
	})
	return out, err
}
