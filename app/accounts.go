package app

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
	"github.com/jmoiron/sqlx"
)

// Roles a member account can have cooperative-wide. Coordination of a site
// and residency are relations, not roles: see Principal.
const (
	RoleAdmin  = "admin"
	RoleMember = "member"
)

// Member is a person who can sign in.
type Member struct {
	ID        int64     `db:"id" json:"id"`
	Email     string    `db:"email" json:"email"`
	Name      string    `db:"name" json:"name"`
	Role      string    `db:"role" json:"role"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
}

// NewMember is what creating an account needs.
type NewMember struct {
	Email    string
	Password string
	Name     string
	Role     string
}

// Accounts owns members, passwords, browser sessions and API tokens.
type Accounts struct {
	DB          *sqlx.DB
	SessionTTL  time.Duration // the longest a session lasts
	SessionIdle time.Duration // a session unused this long ends; 0: SessionTTL
	TokenTTL    time.Duration

	// hashing caps the password hashes computed at once: each takes 64 MiB
	// for about 50 ms, so a burst of sign-ins (an attack, most likely)
	// could otherwise take all of the server's memory. nil: no cap.
	hashing chan struct{}

	// The queries every request runs, prepared by Prepare; nil runs them
	// unprepared.
	bySession, byToken *sqlx.Stmt
}

// NewAccounts returns the accounts service the configuration describes.
func NewAccounts(db *sqlx.DB, cfg Config) *Accounts {
	return &Accounts{
		DB: db, SessionTTL: cfg.SessionTTL, SessionIdle: cfg.SessionIdle, TokenTTL: cfg.TokenTTL,
		hashing: make(chan struct{}, cfg.HashConcurrency),
	}
}

// Prepare prepares the queries that authenticate every request. lib/pq sends
// an unprepared query with parameters in two round trips, a prepared one in
// one. Call it once at start-up, before requests arrive: preparing needs a
// connection of its own.
func (a *Accounts) Prepare(ctx context.Context) error {
	var err error
	if a.bySession, err = a.DB.PreparexContext(ctx, principalBySession); err != nil {
		return fmt.Errorf("accounts: unable to prepare: %w", err)
	}
	if a.byToken, err = a.DB.PreparexContext(ctx, principalByToken); err != nil {
		return fmt.Errorf("accounts: unable to prepare: %w", err)
	}
	return nil
}

// argonParams are the argon2id parameters of new password hashes: 64 MiB of
// memory, one pass, two lanes, a 16-byte salt and a 32-byte key, about 50 ms
// on a small two-core server. They are not RFC 9106's second recommended
// option (three passes, four lanes, 64 MiB), which takes three times as
// long and would make sign-in the cheapest way to tie up the server; they
// keep its memory, the parameter that makes guessing on graphics cards
// expensive, and exceed OWASP's minimum for argon2id (46 MiB with one pass,
// or 19 MiB with two). Each stored hash names its own parameters, so a hash
// made with older ones still verifies and is replaced at the next sign-in.
var argonParams = &argon2id.Params{Memory: 64 * 1024, Iterations: 1, Parallelism: 2, SaltLength: 16, KeyLength: 32}

// hashWait is how long a sign-in waits for a free hashing slot before it is
// refused as busy.
const hashWait = 3 * time.Second

// withHashSlot runs fn, which computes an argon2id hash, once fewer than the
// cap are running. Errors: signin_busy (429).
func (a *Accounts) withHashSlot(ctx context.Context, fn func() error) error {
	if a.hashing != nil {
		t := time.NewTimer(hashWait)
		defer t.Stop()
		select {
		case a.hashing <- struct{}{}:
			defer func() { <-a.hashing }()
		case <-t.C:
			return Errorf(KindRateLimited, "signin_busy", "Hearth is busy checking other sign-ins. Please try again in a moment.")
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return fn()
}

// hashPassword hashes a new password within the hashing cap.
func (a *Accounts) hashPassword(ctx context.Context, password string) (string, error) {
	var hash string
	err := a.withHashSlot(ctx, func() error {
		var err error
		hash, err = argon2id.CreateHash(password, argonParams)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("accounts: unable to hash password: %w", err)
	}
	return hash, nil
}

// checkPassword compares a password with a stored hash within the hashing
// cap, and reports whether the hash was made with other parameters than
// today's.
func (a *Accounts) checkPassword(ctx context.Context, password, hash string) (ok, stale bool, err error) {
	err = a.withHashSlot(ctx, func() error {
		var params *argon2id.Params
		var cerr error
		ok, params, cerr = argon2id.CheckHash(password, hash)
		stale = cerr == nil && *params != *argonParams
		return nil
	})
	return ok, stale, err
}

// checkNewPassword is the one rule for a password. Errors: weak_password (422).
func checkNewPassword(password string) error {
	if n := utf8.RuneCountInString(password); n < 8 || len(password) > 200 {
		return Unprocessable("weak_password", "Choose a password of at least 8 characters (and at most 200).")
	}
	return nil
}

// Who may manage members: the treasurer adds accounts and reads the list
// of every member with their email addresses. Intake with votes will add
// members through its own flow; the command line (hearth user add) and the
// demo add them as the operator, through CreateMemberTx.

// CanManageMembers returns forbidden unless p may list every member and
// add accounts: the treasurer.
func CanManageMembers(p *Principal) error {
	if !p.IsAdmin() {
		return Forbidden("Only the treasurer (an admin) manages members.")
	}
	return nil
}

// CreateMember adds an account for the treasurer. Errors: forbidden (403);
// invalid_email, invalid_name, weak_password, invalid_role (422);
// email_taken (409).
func (a *Accounts) CreateMember(ctx context.Context, p *Principal, n NewMember) (Member, error) {
	if err := CanManageMembers(p); err != nil {
		return Member{}, err
	}
	return a.createMember(ctx, a.DB, n)
}

// CreateMemberTx adds an account in the caller's transaction, for those who
// act as the operator of the installation rather than as a member: the
// command line's first treasurer, the demo, tests and benchmarks. Errors:
// as CreateMember, but never forbidden.
func (a *Accounts) CreateMemberTx(ctx context.Context, tx *sqlx.Tx, n NewMember) (Member, error) {
	return a.createMember(ctx, tx, n)
}

func (a *Accounts) createMember(ctx context.Context, q sqlx.QueryerContext, n NewMember) (Member, error) {
	var m Member
	email := strings.TrimSpace(n.Email)
	if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email {
		return m, Unprocessable("invalid_email", "Enter an email address like name@example.org.").OnField("email")
	}
	name := strings.TrimSpace(n.Name)
	if name == "" || len(name) > 200 {
		return m, Unprocessable("invalid_name", "Enter a name of up to 200 characters.").OnField("name")
	}
	if err := checkNewPassword(n.Password); err != nil {
		return m, err.(*Error).OnField("password")
	}
	if n.Role == "" {
		n.Role = RoleMember
	}
	if n.Role != RoleAdmin && n.Role != RoleMember {
		return m, Unprocessable("invalid_role", "A role is either admin or member.").OnField("role")
	}
	hash, err := a.hashPassword(ctx, n.Password)
	if err != nil {
		return m, err
	}
	err = sqlx.GetContext(ctx, q, &m, `
		INSERT INTO members (email, name, password_hash, role) VALUES ($1, $2, $3, $4)
		RETURNING id, email, name, role, created_at`, email, name, hash, n.Role)
	if PQConstraint(err) == "members_email_key" {
		return m, Conflict("email_taken", "An account with the email %s already exists.", email).OnField("email")
	}
	if err != nil {
		return m, fmt.Errorf("accounts: unable to create member: %w", err)
	}
	return m, nil
}

// Members lists every member by name, for the treasurer. Errors:
// forbidden (403).
func (a *Accounts) Members(ctx context.Context, p *Principal) ([]Member, error) {
	if err := CanManageMembers(p); err != nil {
		return nil, err
	}
	var ms []Member
	if err := a.DB.SelectContext(ctx, &ms, `SELECT id, email, name, role, created_at FROM members ORDER BY name, id`); err != nil {
		return nil, fmt.Errorf("accounts: unable to list members: %w", err)
	}
	return ms, nil
}

// dummyHash is compared against when the email is unknown, so that a wrong
// email and a wrong password take the same time and cannot be told apart.
var dummyHash, _ = argon2id.CreateHash("not a real password", argonParams)

// Authenticate checks an email and password. A hash made with older
// parameters is replaced by one made with today's. Errors:
// invalid_credentials (401), signin_busy (429).
func (a *Accounts) Authenticate(ctx context.Context, email, password string) (Member, error) {
	var row struct {
		Member
		Hash string `db:"password_hash"`
	}
	err := a.DB.GetContext(ctx, &row, `
		SELECT id, email, name, role, created_at, password_hash FROM members WHERE email = $1`, strings.TrimSpace(email))
	if err != nil && !ErrNoRows(err) {
		return Member{}, fmt.Errorf("accounts: unable to fetch member: %w", err)
	}
	hash := row.Hash
	if hash == "" {
		hash = dummyHash
	}
	ok, stale, err := a.checkPassword(ctx, password, hash)
	if err != nil {
		return Member{}, err
	}
	if !ok || row.Hash == "" {
		return Member{}, Errorf(KindUnauthorized, "invalid_credentials", "The email or password is not right.")
	}
	if stale {
		hash, err := a.hashPassword(ctx, password)
		if err == nil {
			err = storeHash(ctx, a.DB, row.ID, hash, false)
		}
		if err != nil {
			return Member{}, err
		}
	}
	return row.Member, nil
}

// storeHash stores a member's password hash; changed says whether the
// member chose a new password (rather than today's parameters rehashing the
// old one).
func storeHash(ctx context.Context, q sqlx.ExecerContext, memberID int64, hash string, changed bool) error {
	if _, err := q.ExecContext(ctx, `
		UPDATE members SET password_hash = $2, password_changed_at = CASE WHEN $3 THEN now() ELSE password_changed_at END
		WHERE id = $1`, memberID, hash, changed); err != nil {
		return fmt.Errorf("accounts: unable to store password: %w", err)
	}
	return nil
}
