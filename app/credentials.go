package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
)

// A member signs in with a browser session (a cookie) or an API token (a
// bearer header). Both are random secrets of which only a hash is stored,
// and both are the member's own to list and to end: the account page and
// the API show where a member is signed in, and a changed password or
// "sign out everywhere" ends all of it.

// Session is a browser session as its member sees it.
type Session struct {
	ID         int64     `db:"id" json:"id"`
	CreatedAt  time.Time `db:"created_at" json:"created_at"`
	LastUsedAt time.Time `db:"last_used_at" json:"last_used_at"`
	ExpiresAt  time.Time `db:"expires_at" json:"expires_at"`
	UserAgent  string    `db:"user_agent" json:"user_agent"`
	Current    bool      `db:"-" json:"current"` // the session of the request that asked
}

// Token is an API token as its member sees it.
type Token struct {
	ID         int64      `db:"id" json:"id"`
	CreatedAt  time.Time  `db:"created_at" json:"created_at"`
	LastUsedAt *time.Time `db:"last_used_at" json:"last_used_at"`
	ExpiresAt  time.Time  `db:"expires_at" json:"expires_at"`
	UserAgent  string     `db:"user_agent" json:"user_agent"`
	Current    bool       `db:"-" json:"current"` // the token of the request that asked
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

// SecretKey is a stable, non-secret name of a secret (its hash, in hex), for
// binding other state to a session without storing the session itself.
func SecretKey(token string) string { return fmt.Sprintf("%x", hashSecret(token)) }

// userAgent keeps what a list of sessions needs of a User-Agent header.
func userAgent(s string) string {
	s = strings.ToValidUTF8(strings.TrimSpace(s), "")
	if utf8.RuneCountInString(s) > 200 {
		s = string([]rune(s)[:200])
	}
	return s
}

func (a *Accounts) idleSeconds() float64 {
	if a.SessionIdle <= 0 {
		return a.SessionTTL.Seconds()
	}
	return a.SessionIdle.Seconds()
}

// StartSession creates a browser session and returns the cookie value.
func (a *Accounts) StartSession(ctx context.Context, memberID int64, agent string) (string, error) {
	token, hash := newSecret()
	_, err := a.DB.ExecContext(ctx, `INSERT INTO sessions (token_hash, member_id, expires_at, user_agent) VALUES ($1, $2, $3, $4)`,
		hash, memberID, time.Now().Add(a.SessionTTL), userAgent(agent))
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
func (a *Accounts) IssueToken(ctx context.Context, memberID int64, agent string) (string, error) {
	token, hash := newSecret()
	_, err := a.DB.ExecContext(ctx, `INSERT INTO api_tokens (token_hash, member_id, expires_at, user_agent) VALUES ($1, $2, $3, $4)`,
		hash, memberID, time.Now().Add(a.TokenTTL), userAgent(agent))
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

// Sessions lists the caller's live sessions, the most recently used first.
func (a *Accounts) Sessions(ctx context.Context, p *Principal) ([]Session, error) {
	ss := []Session{}
	if err := a.DB.SelectContext(ctx, &ss, `
		SELECT id, created_at, last_used_at, expires_at, user_agent FROM sessions
		WHERE member_id = $1 AND expires_at > now() AND last_used_at > now() - make_interval(secs => $2)
		ORDER BY last_used_at DESC, id DESC`, p.ID, a.idleSeconds()); err != nil {
		return nil, fmt.Errorf("accounts: unable to list sessions: %w", err)
	}
	for i := range ss {
		ss[i].Current = p.Credential == CredentialSession && ss[i].ID == p.CredentialID
	}
	return ss, nil
}

// Tokens lists the caller's valid API tokens, the newest first.
func (a *Accounts) Tokens(ctx context.Context, p *Principal) ([]Token, error) {
	ts := []Token{}
	if err := a.DB.SelectContext(ctx, &ts, `
		SELECT id, created_at, last_used_at, expires_at, user_agent FROM api_tokens
		WHERE member_id = $1 AND expires_at > now() AND revoked_at IS NULL
		ORDER BY created_at DESC, id DESC`, p.ID); err != nil {
		return nil, fmt.Errorf("accounts: unable to list tokens: %w", err)
	}
	for i := range ts {
		ts[i].Current = p.Credential == CredentialToken && ts[i].ID == p.CredentialID
	}
	return ts, nil
}

// EndSessionOf ends one of the caller's sessions. Errors: not_found.
func (a *Accounts) EndSessionOf(ctx context.Context, p *Principal, id int64) error {
	res, err := a.DB.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1 AND member_id = $2`, id, p.ID)
	if err != nil {
		return fmt.Errorf("accounts: unable to end session: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return NotFound("You have no such session.")
	}
	return nil
}

// RevokeTokenOf revokes one of the caller's API tokens. Errors: not_found.
func (a *Accounts) RevokeTokenOf(ctx context.Context, p *Principal, id int64) error {
	res, err := a.DB.ExecContext(ctx, `
		UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND member_id = $2 AND revoked_at IS NULL`, id, p.ID)
	if err != nil {
		return fmt.Errorf("accounts: unable to revoke token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return NotFound("You have no such API token.")
	}
	return nil
}

// SignOutEverywhere ends every session and API token of the caller,
// including the one the request came with.
func (a *Accounts) SignOutEverywhere(ctx context.Context, p *Principal) error {
	return InTx(ctx, a.DB, func(tx *sqlx.Tx) error { return endCredentials(ctx, tx, p.ID, "", 0) })
}

// endCredentials ends a member's sessions and tokens but the one named by
// keep and keepID (keep "" ends all).
func endCredentials(ctx context.Context, tx *sqlx.Tx, memberID int64, keep Credential, keepID int64) error {
	keepSession, keepToken := int64(0), int64(0)
	switch keep {
	case CredentialSession:
		keepSession = keepID
	case CredentialToken:
		keepToken = keepID
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE member_id = $1 AND id <> $2`, memberID, keepSession); err != nil {
		return fmt.Errorf("accounts: unable to end sessions: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `
		UPDATE api_tokens SET revoked_at = now() WHERE member_id = $1 AND id <> $2 AND revoked_at IS NULL`, memberID, keepToken); err != nil {
		return fmt.Errorf("accounts: unable to revoke tokens: %w", err)
	}
	return nil
}

// PasswordChange is what changing one's password needs.
type PasswordChange struct {
	Current string
	New     string
}

// ChangePassword sets the caller's new password once the current one is
// confirmed, and ends every other session and token: whoever learned the
// old password is signed out with it. The session or token that asked stays
// signed in. Errors: wrong_password (422, on field current_password),
// weak_password (422, on new_password), signin_busy (429).
func (a *Accounts) ChangePassword(ctx context.Context, p *Principal, ch PasswordChange) error {
	var hash string
	if err := a.DB.GetContext(ctx, &hash, `SELECT password_hash FROM members WHERE id = $1`, p.ID); err != nil {
		return fmt.Errorf("accounts: unable to fetch member: %w", err)
	}
	ok, _, err := a.checkPassword(ctx, ch.Current, hash)
	if err != nil {
		return err
	}
	if !ok {
		return Unprocessable("wrong_password", "Your current password is not right.").OnField("current_password")
	}
	if err := checkNewPassword(ch.New); err != nil {
		return err.(*Error).OnField("new_password")
	}
	newHash, err := a.hashPassword(ctx, ch.New)
	if err != nil {
		return err
	}
	return InTx(ctx, a.DB, func(tx *sqlx.Tx) error {
		if err := storeHash(ctx, tx, p.ID, newHash, true); err != nil {
			return err
		}
		return endCredentials(ctx, tx, p.ID, p.Credential, p.CredentialID)
	})
}

// Sweep deletes sessions past their expiry or idle timeout and API tokens
// that expired or were revoked: nothing can use them again, and a table of
// dead secrets is only something to leak. The server runs it periodically.
func (a *Accounts) Sweep(ctx context.Context) error {
	if _, err := a.DB.ExecContext(ctx, `
		DELETE FROM sessions WHERE expires_at < now() OR last_used_at < now() - make_interval(secs => $1)`, a.idleSeconds()); err != nil {
		return fmt.Errorf("accounts: unable to sweep sessions: %w", err)
	}
	if _, err := a.DB.ExecContext(ctx, `DELETE FROM api_tokens WHERE expires_at < now() OR revoked_at IS NOT NULL`); err != nil {
		return fmt.Errorf("accounts: unable to sweep tokens: %w", err)
	}
	return nil
}
