package housing

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/shopspring/decimal"

	"hearth/app"
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

// chargePattern is how a charge is written: an optional minus sign (refused
// as negative_charge), digits, optionally a point and digits. Exponents
// ("1e3"), a plus sign, a bare point (".5", "5.") and separators are not.
var chargePattern = regexp.MustCompile(`^-?[0-9]{1,20}(\.[0-9]{1,20})?$`)

// ParseCharge reads a monthly charge: a decimal amount of at most two
// places, zero or more, written plainly ("1180.00"). Errors: invalid_charge,
// negative_charge (422).
func ParseCharge(s string) (decimal.Decimal, error) {
	s = strings.TrimSpace(s)
	if !chargePattern.MatchString(s) {
		return decimal.Zero, app.Unprocessable("invalid_charge", "Enter the monthly charge as an amount such as 1180.00.").OnField("monthly_charge")
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return d, app.Unprocessable("invalid_charge", "Enter the monthly charge as an amount such as 1180.00.").OnField("monthly_charge")
	}
	if d.IsNegative() {
		return d, app.Unprocessable("negative_charge", "The monthly charge cannot be negative.").OnField("monthly_charge")
	}
	if !d.Equal(d.Truncate(2)) || d.GreaterThanOrEqual(maxCharge) {
		return d, app.Unprocessable("invalid_charge", "Enter the monthly charge to the cent, below one trillion.").OnField("monthly_charge")
	}
	return d, nil
}

// clean checks a unit and parses its charge. Errors: invalid_name,
// invalid_bedrooms, invalid_charge, negative_charge (422).
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

// CreateUnit adds a unit to a site. Errors: site_not_found (404);
// invalid_name, invalid_bedrooms, invalid_charge, negative_charge (422);
// unit_name_taken (409).
func (s *Service) CreateUnit(ctx context.Context, siteID int64, in UnitInput) (Unit, error) {
	var u Unit
	name, charge, err := in.clean()
	if err != nil {
		return u, err
	}
	err = s.DB.GetContext(ctx, &u, `
		INSERT INTO units (site_id, name, bedrooms, monthly_charge) VALUES ($1, $2, $3, $4)
		RETURNING `+unitColumns, siteID, name, in.Bedrooms, charge)
	if err != nil {
		return u, unitError(err)
	}
	return u, nil
}

// UpdateUnit changes a unit of a site. Errors: unit_not_found (404);
// invalid_name, invalid_bedrooms, invalid_charge, negative_charge (422);
// unit_name_taken (409).
func (s *Service) UpdateUnit(ctx context.Context, siteID, unitID int64, ch UnitChanges) (Unit, error) {
	var u Unit
	err := app.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		var cur Unit
		err := tx.GetContext(ctx, &cur, `SELECT `+unitColumns+` FROM units WHERE id = $1 AND site_id = $2 FOR UPDATE`, unitID, siteID)
		if app.ErrNoRows(err) {
			return unitNotFound()
		}
		if err != nil {
			return fmt.Errorf("housing: unable to load unit: %v", err)
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

// Unit returns a unit of a site. Errors: unit_not_found (404).
func (s *Service) Unit(ctx context.Context, siteID, unitID int64) (Unit, error) {
	var u Unit
	err := s.DB.GetContext(ctx, &u, `SELECT `+unitColumns+` FROM units WHERE id = $1 AND site_id = $2`, unitID, siteID)
	if app.ErrNoRows(err) {
		return u, unitNotFound()
	}
	if err != nil {
		return u, fmt.Errorf("housing: unable to load unit: %v", err)
	}
	return u, nil
}

// Units lists the units of a site by name.
func (s *Service) Units(ctx context.Context, siteID int64) ([]Unit, error) {
	units := []Unit{}
	if err := s.DB.SelectContext(ctx, &units, `SELECT `+unitColumns+` FROM units WHERE site_id = $1 ORDER BY name, id`, siteID); err != nil {
		return nil, fmt.Errorf("housing: unable to list units: %v", err)
	}
	return units, nil
}
