package housing

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/shopspring/decimal"

	"hearth/app"
	"hearth/money"
)

// Unit is a home at a site: a household lives in it and pays its monthly
// carrying charge.
type Unit struct {
	ID            int64           `db:"id"`
	SiteID        int64           `db:"site_id"`
	Name          string          `db:"name"`
	Bedrooms      int             `db:"bedrooms"`
	MonthlyCharge decimal.Decimal `db:"monthly_charge"`
	CreatedAt     time.Time       `db:"created_at"`
}

// UnitInput is what creating a unit needs. MonthlyCharge is a decimal amount
// as text ("1180.00"), the form both pages and the API receive it in.
type UnitInput struct {
	Name          string
	Bedrooms      int
	MonthlyCharge string
}

// UnitChanges edits a unit: nil fields stay as they are.
type UnitChanges struct {
	Name          *string
	Bedrooms      *int
	MonthlyCharge *string
}

// MaxBedrooms is the most bedrooms a unit may have (the schema agrees).
const MaxBedrooms = 20

// maxCharge bounds a monthly charge below what numeric(14, 2) can hold.
var maxCharge = decimal.New(1, 12)

const unitColumns = `id, site_id, name, bedrooms, monthly_charge, created_at`

// ParseCharge reads a monthly charge: an amount in cents, zero or more.
// Errors: invalid_amount, too_many_places, amount_too_large,
// negative_charge (422), on the field monthly_charge.
func ParseCharge(s string) (decimal.Decimal, error) {
	d, err := money.Parse(strings.TrimSpace(s), 2)
	if e, ok := app.AsError(err); ok {
		return d, e.OnField("monthly_charge")
	}
	if d.IsNegative() {
		return d, app.Unprocessable("negative_charge", "The monthly charge cannot be negative.").OnField("monthly_charge")
	}
	if d.GreaterThanOrEqual(maxCharge) {
		return d, app.Unprocessable("amount_too_large", "Enter a monthly charge below one trillion.").OnField("monthly_charge")
	}
	return d, nil
}

func (in UnitInput) clean() (name string, charge decimal.Decimal, err error) {
	name = strings.TrimSpace(in.Name)
	if name == "" || utf8.RuneCountInString(name) > 100 {
		return name, charge, app.Unprocessable("invalid_name", "Enter a unit name of up to 100 characters.").OnField("name")
	}
	if in.Bedrooms < 0 || in.Bedrooms > MaxBedrooms {
		return name, charge, app.Unprocessable("invalid_bedrooms", "A unit has between 0 and %d bedrooms.", MaxBedrooms).OnField("bedrooms")
	}
	charge, err = ParseCharge(in.MonthlyCharge)
	return name, charge, err
}

// unitError translates the constraints of the units table.
func unitError(err error) error {
	switch app.PQConstraint(err) {
	case "units_site_name_key", "units_site_name_ci_key":
		return app.Conflict("unit_name_taken", "This site already has a unit with that name.").OnField("name")
	case "units_site_id_fkey":
		return siteNotFound()
	}
	return fmt.Errorf("housing: unable to write unit: %w", err)
}

func unitNotFound() error {
	return app.Errorf(app.KindNotFound, "unit_not_found", "There is no such unit at this site.").OnField("unit_id")
}

// CreateUnit adds a unit to a site (its coordinators and the treasurer).
// Errors: forbidden (403); site_not_found (404); invalid_name,
// invalid_bedrooms, invalid_amount, too_many_places, amount_too_large, negative_charge (422); unit_name_taken
// (409).
func (s *Service) CreateUnit(ctx context.Context, p *app.Principal, siteID int64, in UnitInput) (Unit, error) {
	return createUnit(ctx, s.DB, p, siteID, in)
}

// CreateUnitTx is CreateUnit inside the caller's transaction, for a seed
// that makes a whole cooperative at once.
func (s *Service) CreateUnitTx(ctx context.Context, tx *sqlx.Tx, p *app.Principal, siteID int64, in UnitInput) (Unit, error) {
	return createUnit(ctx, tx, p, siteID, in)
}

func createUnit(ctx context.Context, q sqlx.QueryerContext, p *app.Principal, siteID int64, in UnitInput) (Unit, error) {
	var u Unit
	if err := p.RequireCoordinator(siteID); err != nil {
		return u, err
	}
	name, charge, err := in.clean()
	if err != nil {
		return u, err
	}
	err = sqlx.GetContext(ctx, q, &u, `
		INSERT INTO units (site_id, name, bedrooms, monthly_charge) VALUES ($1, $2, $3, $4)
		RETURNING `+unitColumns, siteID, name, in.Bedrooms, charge)
	if err != nil {
		return u, unitError(err)
	}
	return u, nil
}

// UpdateUnit changes a unit of a site (its coordinators and the
// treasurer). Errors: forbidden (403); unit_not_found (404); invalid_name,
// invalid_bedrooms, invalid_amount, too_many_places, amount_too_large, negative_charge (422); unit_name_taken
// (409).
func (s *Service) UpdateUnit(ctx context.Context, p *app.Principal, siteID, unitID int64, ch UnitChanges) (Unit, error) {
	var u Unit
	if err := p.RequireCoordinator(siteID); err != nil {
		return u, err
	}
	err := app.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		var cur Unit
		err := tx.GetContext(ctx, &cur, `SELECT `+unitColumns+` FROM units WHERE id = $1 AND site_id = $2 FOR UPDATE`, unitID, siteID)
		if app.ErrNoRows(err) {
			return unitNotFound()
		}
		if err != nil {
			return fmt.Errorf("housing: unable to load unit: %w", err)
		}
		in := UnitInput{Name: cur.Name, Bedrooms: cur.Bedrooms, MonthlyCharge: cur.MonthlyCharge.StringFixed(2)}
		if ch.Name != nil {
			in.Name = *ch.Name
		}
		if ch.Bedrooms != nil {
			in.Bedrooms = *ch.Bedrooms
		}
		if ch.MonthlyCharge != nil {
			in.MonthlyCharge = *ch.MonthlyCharge
		}
		name, charge, err := in.clean()
		if err != nil {
			return err
		}
		err = tx.GetContext(ctx, &u, `
			UPDATE units SET name = $2, bedrooms = $3, monthly_charge = $4 WHERE id = $1
			RETURNING `+unitColumns, unitID, name, in.Bedrooms, charge)
		if err != nil {
			return unitError(err)
		}
		return nil
	})
	return u, err
}

// Unit returns a unit of a site with its charge, for those who run the
// site. Errors: forbidden (403); unit_not_found (404).
func (s *Service) Unit(ctx context.Context, p *app.Principal, siteID, unitID int64) (Unit, error) {
	var u Unit
	if err := p.RequireCoordinator(siteID); err != nil {
		return u, err
	}
	err := s.DB.GetContext(ctx, &u, `SELECT `+unitColumns+` FROM units WHERE id = $1 AND site_id = $2`, unitID, siteID)
	if app.ErrNoRows(err) {
		return u, unitNotFound()
	}
	if err != nil {
		return u, fmt.Errorf("housing: unable to load unit: %w", err)
	}
	return u, nil
}

// units lists the units of a site by name.
func (s *Service) units(ctx context.Context, siteID int64) ([]Unit, error) {
	units := []Unit{}
	if err := s.DB.SelectContext(ctx, &units, `SELECT `+unitColumns+` FROM units WHERE site_id = $1 ORDER BY name, id`, siteID); err != nil {
		return nil, fmt.Errorf("housing: unable to list units: %w", err)
	}
	return units, nil
}
