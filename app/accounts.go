package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/mail"
	"strings"
	"time"

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
	DB         *sqlx.DB
	SessionTTL time.Duration
	TokenTTL   time.Duration

	// The queries every request runs, prepared by Prepare; nil runs them
	// unprepared.
	bySession, byToken *sqlx.Stmt
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

// argonParams follow the RFC 9106 second recommended option, sized for a
// small server: 64 MiB, 1 pass, 2 lanes.
var argonParams = &argon2id.Params{Memory: 64 * 1024, Iterations: 1, Parallelism: 2, SaltLength: 16, KeyLength: 32}

// CreateMember adds an account. Errors: invalid_email, invalid_name,
// weak_password, invalid_role (422); email_taken (409).
func (a *Accounts) CreateMember(ctx context.Context, q sqlx.ExtContext, n NewMember) (Member, error) {
	var m Member
	email := strings.TrimSpace(n.Email)
	if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email {
		return m, Unprocessable("invalid_email", "Enter an email address like name@example.org.").OnField("email")
	}
	name := strings.TrimSpace(n.Name)
	if name == "" || len(name) > 200 {
		return m, Unprocessable("invalid_name", "Enter a name of up to 200 characters.").OnField("name")
	}
	if len(n.Password) < 8 || len(n.Password) > 200 {
		return m, Unprocessable("weak_password", "Choose a password of at least 8 characters.").OnField("password")
	}
	if n.Role == "" {
		n.Role = RoleMember
	}
	if n.Role != RoleAdmin && n.Role != RoleMember {
		return m, Unprocessable("invalid_role", "A role is either admin or member.").OnField("role")
	}
	hash, err := argon2id.CreateHash(n.Password, argonParams)
	if err != nil {
		return m, fmt.Errorf("accounts: unable to hash password: %w", err)
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

// Member returns one member. Errors: not_found.
func (a *Accounts) Member(ctx context.Context, id int64) (Member, error) {
	var m Member
	err := a.DB.GetContext(ctx, &m, `SELECT id, email, name, role, created_at FROM members WHERE id = $1`, id)
	if ErrNoRows(err) {
		return m, NotFound("No such member.")
	}
	if err != nil {
		return m, fmt.Errorf("accounts: unable to fetch member: %w", err)
	}
	return m, nil
}

// Members lists every member by name.
func (a *Accounts) Members(ctx context.Context) ([]Member, error) {
	var ms []Member
	if err := a.DB.SelectContext(ctx, &ms, `SELECT id, email, name, role, created_at FROM members ORDER BY name, id`); err != nil {
		return nil, fmt.Errorf("accounts: unable to list members: %w", err)
	}
	return ms, nil
}

// dummyHash is compared against when the email is unknown, so that a wrong
// email and a wrong password take the same time and cannot be told apart.
var dummyHash, _ = argon2id.CreateHash("not a real password", argonParams)

// Authenticate checks an email and password. Errors: invalid_credentials (401).
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
	ok, cerr := argon2id.ComparePasswordAndHash(password, hash)
	if cerr != nil || !ok || row.Hash == "" {
		return Member{}, Errorf(KindUnauthorized, "invalid_credentials", "The email or password is not right.")
	}
	return row.Member, nil
}

// newSecret returns a random URL-safe token and the hash that is stored.
func newSecret() (token string, hash []byte) {
	buf := make([]byte, 32)
	rand.Read(buf)
	token = base64.RawURLEncoding.EncodeToString(buf)
	return token, hashSecret(token)
}

func hashSecret(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// StartSession creates a browser session and returns the cookie value.
func (a *Accounts) StartSession(ctx context.Context, memberID int64) (string, error) {
	token, hash := newSecret()
	_, err := a.DB.ExecContext(ctx, `INSERT INTO sessions (token_hash, member_id, expires_at) VALUES ($1, $2, $3)`,
		hash, memberID, time.Now().Add(a.SessionTTL))
	if err != nil {
		return "", fmt.Errorf("accounts: unable to start session: %w", err)
	}
	return token, nil
}

// EndSession deletes a browser session (sign-out).
func (a *Accounts) EndSession(ctx context.Context, token string) error {
	if _, err := a.DB.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hashSecret(token)); err != nil {
		return fmt.Errorf("accounts: unable to end session: %w", err)
	}
	return nil
}

// IssueToken creates an API bearer token for a member.
func (a *Accounts) IssueToken(ctx context.Context, memberID int64) (string, error) {
	token, hash := newSecret()
	_, err := a.DB.ExecContext(ctx, `INSERT INTO api_tokens (token_hash, member_id, expires_at) VALUES ($1, $2, $3)`,
		hash, memberID, time.Now().Add(a.TokenTTL))
	if err != nil {
		return "", fmt.Errorf("accounts: unable to issue token: %w", err)
	}
	return token, nil
}

// RevokeToken revokes the given token; revoking twice is harmless.
func (a *Accounts) RevokeToken(ctx context.Context, token string) error {
	if _, err := a.DB.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL`,
		hashSecret(token)); err != nil {
		return fmt.Errorf("accounts: unable to revoke token: %w", err)
	}
	return nil
}
