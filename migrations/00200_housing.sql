-- +goose Up
-- Site and unit names are unique regardless of case ("Elm Court" and
-- "elm court" would be the same place to a person).
CREATE UNIQUE INDEX sites_name_ci_key ON sites (lower(name));
CREATE UNIQUE INDEX units_site_name_ci_key ON units (site_id, lower(name));

-- A site's time zone must be one PostgreSQL knows: every query that reads a
-- site's local date (who lives where today, opening hours) converts with
-- AT TIME ZONE, and one unknown zone would break them all. The application
-- is stricter still (IANA names only); this guards every other writer.
-- +goose StatementBegin
CREATE FUNCTION site_timezone_valid(tz text) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    PERFORM now() AT TIME ZONE tz;
    RETURN true;
EXCEPTION WHEN invalid_parameter_value THEN
    RETURN false;
END
$$;
-- +goose StatementEnd
ALTER TABLE sites ADD CONSTRAINT sites_timezone_check CHECK (site_timezone_valid(timezone));

-- +goose Down
ALTER TABLE sites DROP CONSTRAINT sites_timezone_check;
DROP FUNCTION site_timezone_valid(text);
DROP INDEX units_site_name_ci_key;
DROP INDEX sites_name_ci_key;
