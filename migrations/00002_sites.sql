-- +goose Up
-- Sites (properties), their units, coordinators and residencies. Every
-- site-owned table carries site_id so that the schema can be distributed by
-- site (Citus) without a rewrite.
CREATE TABLE sites (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    address    text NOT NULL DEFAULT '',
    timezone   text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT sites_name_key UNIQUE (name)
);

CREATE TABLE units (
    id             bigserial PRIMARY KEY,
    site_id        bigint NOT NULL REFERENCES sites (id),
    name           text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    bedrooms       int  NOT NULL DEFAULT 1 CHECK (bedrooms BETWEEN 0 AND 20),
    monthly_charge numeric(14, 2) NOT NULL DEFAULT 0 CHECK (monthly_charge >= 0),
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT units_site_name_key UNIQUE (site_id, name),
    CONSTRAINT units_site_id_id_key UNIQUE (site_id, id)
);

CREATE TABLE site_coordinators (
    site_id    bigint NOT NULL REFERENCES sites (id),
    member_id  bigint NOT NULL REFERENCES members (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (site_id, member_id)
);

-- A residency places a member in a unit from a date to an optional end date
-- (exclusive). A unit holds one household at a time, and a member lives in
-- one unit at a time: the database refuses overlaps of either.
CREATE TABLE residencies (
    id         bigserial PRIMARY KEY,
    site_id    bigint NOT NULL,
    unit_id    bigint NOT NULL,
    member_id  bigint NOT NULL REFERENCES members (id),
    starts_on  date NOT NULL,
    ends_on    date,
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (site_id, unit_id) REFERENCES units (site_id, id),
    CONSTRAINT residencies_dates_check CHECK (ends_on IS NULL OR ends_on > starts_on),
    CONSTRAINT residencies_unit_no_overlap EXCLUDE USING gist (
        unit_id WITH =, daterange(starts_on, ends_on, '[)') WITH &&),
    CONSTRAINT residencies_member_no_overlap EXCLUDE USING gist (
        member_id WITH =, daterange(starts_on, ends_on, '[)') WITH &&)
);
CREATE INDEX residencies_site_id_idx ON residencies (site_id);

-- +goose Down
DROP TABLE residencies;
DROP TABLE site_coordinators;
DROP TABLE units;
DROP TABLE sites;
