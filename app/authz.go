package app

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Principal is the signed-in member with the relations that decide what they
// may do: every authorization decision in Hearth is one of its methods.
type Principal struct {
	Member
	CoordinatorOf []int64    // sites this member coordinates
	Home          *Residence // where the member lives today, nil if nowhere

	// The credential the request came with, so that a member can end every
	// other one and a list can mark "this device".
	Credential   Credential
	CredentialID int64
}

// Credential is how a request signed in.
type Credential string

const (
	CredentialSession Credential = "session" // a browser session cookie
	CredentialToken   Credential = "token"   // an API bearer token
)

// Residence is a member's current home.
type Residence struct {
	SiteID   int64  `db:"site_id" json:"site_id"`
	SiteName string `db:"site_name" json:"site_name"`
	UnitID   int64  `db:"unit_id" json:"unit_id"`
	UnitName string `db:"unit_name" json:"unit_name"`
	Timezone string `db:"timezone" json:"timezone"`
}

// principalColumns and principalJoin load a member with the relations
// authorization needs in one round trip, since every request pays for it.
const principalColumns = `
SELECT m.id, m.email, m.name, m.role, m.created_at,
       coalesce((SELECT array_agg(c.site_id ORDER BY c.site_id) FROM site_coordinators c WHERE c.member_id = m.id),
                '{}') AS coordinator_of,
       h.site_id, h.site_name, h.unit_id, h.unit_name, h.timezone`

const principalJoin = `
LEFT JOIN LATERAL (
    SELECT s.id AS site_id, s.name AS site_name, u.id AS unit_id, u.name AS unit_name, s.timezone
    FROM sites s JOIN residencies_on(site_today(s.timezone)) r ON r.site_id = s.id JOIN units u ON u.id = r.unit_id
    WHERE r.member_id = m.id
    LIMIT 1) h ON true`

var principalByMember = principalColumns + `, 0 AS credential_id FROM members m` + principalJoin + ` WHERE m.id = $1`

// principalBySession finds a live session: not past its absolute expiry and
// used within the idle timeout ($2, in seconds). It only reads, since every
// page pays for it; stale says the session's last use is over a minute old,
// and only then does touch record the use, so that a session in use is
// written at most once a minute.
const principalBySession = principalColumns + `, cred.id AS credential_id, cred.last_used_at < now() - interval '1 minute' AS stale
FROM sessions cred JOIN members m ON m.id = cred.member_id` + principalJoin + `
WHERE cred.token_hash = $1 AND cred.expires_at > now() AND cred.last_used_at > now() - make_interval(secs => $2)`

// principalByToken finds a valid, unrevoked API token, as principalBySession
// finds a session.
const principalByToken = principalColumns + `, cred.id AS credential_id,
       coalesce(cred.last_used_at, '-infinity') < now() - interval '1 minute' AS stale
FROM api_tokens cred JOIN members m ON m.id = cred.member_id` + principalJoin + `
WHERE cred.token_hash = $1 AND cred.expires_at > now() AND cred.revoked_at IS NULL`

type principalRow struct {
	Member
	CoordinatorOf pq.Int64Array  `db:"coordinator_of"`
	SiteID        sql.NullInt64  `db:"site_id"`
	SiteName      sql.NullString `db:"site_name"`
	UnitID        sql.NullInt64  `db:"unit_id"`
	UnitName      sql.NullString `db:"unit_name"`
	Timezone      sql.NullString `db:"timezone"`
	CredentialID  int64          `db:"credential_id"`
	Stale         bool           `db:"stale"` // the credential's last use is to be recorded
}

func (r principalRow) principal() *Principal {
	p := &Principal{Member: r.Member, CoordinatorOf: r.CoordinatorOf, CredentialID: r.CredentialID}
	if r.SiteID.Valid {
		p.Home = &Residence{SiteID: r.SiteID.Int64, SiteName: r.SiteName.String,
			UnitID: r.UnitID.Int64, UnitName: r.UnitName.String, Timezone: r.Timezone.String}
	}
	return p
}

// Principal loads the relations of a member for authorization.
func (a *Accounts) Principal(ctx context.Context, m Member) (*Principal, error) {
	var r principalRow
	if err := a.DB.GetContext(ctx, &r, principalByMember, m.ID); err != nil {
		return nil, fmt.Errorf("authz: unable to load member %d: %w", m.ID, err)
	}
	return r.principal(), nil
}

// SessionPrincipal returns the member of a live browser session with their
// relations. Errors: unauthorized.
func (a *Accounts) SessionPrincipal(ctx context.Context, token string) (*Principal, error) {
	p, err := a.principalBySecret(ctx, a.bySession, principalBySession, `UPDATE sessions SET last_used_at = now() WHERE id = $1`,
		token, a.idleSeconds())
	if p != nil {
		p.Credential = CredentialSession
	}
	return p, err
}

// TokenPrincipal returns the member of a valid, unrevoked API token with
// their relations. Errors: unauthorized.
func (a *Accounts) TokenPrincipal(ctx context.Context, token string) (*Principal, error) {
	p, err := a.principalBySecret(ctx, a.byToken, principalByToken, `UPDATE api_tokens SET last_used_at = now() WHERE id = $1`, token)
	if p != nil {
		p.Credential = CredentialToken
	}
	return p, err
}

// principalBySecret runs query (or its prepared stmt) for the secret token,
// and touch on the credential when the row says its use is stale.
func (a *Accounts) principalBySecret(ctx context.Context, stmt *sqlx.Stmt, query, touch, token string, args ...any) (*Principal, error) {
	var r principalRow
	var err error
	args = append([]any{hashSecret(token)}, args...)
	if stmt != nil {
		err = stmt.GetContext(ctx, &r, args...)
	} else {
		err = a.DB.GetContext(ctx, &r, query, args...)
	}
	if ErrNoRows(err) {
		return nil, Errorf(KindUnauthorized, "unauthorized", "Your sign-in has expired or was revoked. Please sign in again.")
	}
	if err != nil {
		return nil, fmt.Errorf("authz: unable to look up credentials: %w", err)
	}
	if r.Stale {
		if _, err := a.DB.ExecContext(ctx, touch, r.CredentialID); err != nil {
			return nil, fmt.Errorf("authz: unable to record the use of a credential: %w", err)
		}
	}
	return r.principal(), nil
}

// IsAdmin reports whether p is a cooperative-wide admin (the treasurer).
func (p *Principal) IsAdmin() bool { return p != nil && p.Role == RoleAdmin }

// Coordinates reports whether p coordinates the site (admins coordinate every site).
func (p *Principal) Coordinates(siteID int64) bool {
	if p.IsAdmin() {
		return true
	}
	if p == nil {
		return false
	}
	for _, s := range p.CoordinatorOf {
		if s == siteID {
			return true
		}
	}
	return false
}

// IsCoordinator reports whether p coordinates at least one site.
func (p *Principal) IsCoordinator() bool { return p != nil && len(p.CoordinatorOf) > 0 }

// LivesAt reports whether p resides at the site today.
func (p *Principal) LivesAt(siteID int64) bool {
	return p != nil && p.Home != nil && p.Home.SiteID == siteID
}

// CanSeeMoneyOf reports whether p may see a member's money: only the member
// themself and the treasurer. Coordinators administer a site; they do not
// read their neighbours' accounts.
func (p *Principal) CanSeeMoneyOf(memberID int64) bool {
	return p != nil && (p.ID == memberID || p.IsAdmin())
}

// CanSeeChargeOf reports whether p may see the monthly charge of a unit of a
// site whose resident today is residentID (nil when vacant): what a
// neighbour pays is their money, so a member sees the charge of their own
// unit and of vacant ones (which they might move into); those who run the
// site, and set the charges, see all of them.
func (p *Principal) CanSeeChargeOf(siteID int64, residentID *int64) bool {
	return p.Coordinates(siteID) || residentID == nil || p.CanSeeMoneyOf(*residentID)
}

// RequireAdmin returns a forbidden error unless p is an admin.
func (p *Principal) RequireAdmin() error {
	if !p.IsAdmin() {
		return Forbidden("Only the treasurer (an admin) can do that.")
	}
	return nil
}

// RequireCoordinator returns a forbidden error unless p coordinates the site.
func (p *Principal) RequireCoordinator(siteID int64) error {
	if !p.Coordinates(siteID) {
		return Forbidden("Only a coordinator of this site can do that.")
	}
	return nil
}

// RequireMoneyOf returns a forbidden error unless p may see the member's money.
func (p *Principal) RequireMoneyOf(memberID int64) error {
	if !p.CanSeeMoneyOf(memberID) {
		return Forbidden("You can only see your own accounts.")
	}
	return nil
}
