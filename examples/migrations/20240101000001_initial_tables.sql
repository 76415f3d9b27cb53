-- +migrate Up
-- Description: initial tables: users, teams, storage configurations, database connections
-- Created: 2024-01-01 00:00:01 UTC

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    email         TEXT        NOT NULL,
    display_name  TEXT        NOT NULL,
    password_hash TEXT        NOT NULL,
    is_admin      BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT users_email_format CHECK (email LIKE '%_@_%')
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE teams (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT        NOT NULL UNIQUE,
    description TEXT,
    created_by  BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE team_members (
    team_id   BIGINT      NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id   BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role      TEXT        NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
    joined_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user_idx ON team_members (user_id);

-- Where backups are written: a local folder, S3, GCS or Azure; options depend on the kind.
CREATE TABLE storage_configurations (
    id         BIGSERIAL PRIMARY KEY,
    team_id    BIGINT      NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    name       TEXT        NOT NULL,
    kind       TEXT        NOT NULL CHECK (kind IN ('local', 's3', 'gcs', 'azure')),
    settings   JSONB       NOT NULL DEFAULT '{}'::jsonb,
    is_default BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (team_id, name)
);
CREATE UNIQUE INDEX storage_configurations_one_default ON storage_configurations (team_id) WHERE is_default;

-- The databases that get backed up. Secrets are stored encrypted by the application.
CREATE TABLE database_connections (
    id                 BIGSERIAL PRIMARY KEY,
    team_id            BIGINT      NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    name               TEXT        NOT NULL,
    engine             TEXT        NOT NULL DEFAULT 'postgresql' CHECK (engine IN ('postgresql', 'mysql', 'mariadb')),
    host               TEXT        NOT NULL,
    port               INTEGER     NOT NULL DEFAULT 5432 CHECK (port BETWEEN 1 AND 65535),
    database_name      TEXT        NOT NULL,
    username           TEXT        NOT NULL,
    password_encrypted BYTEA,
    ssl_mode           TEXT        NOT NULL DEFAULT 'prefer',
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (team_id, name)
);

-- Keep updated_at honest without relying on every caller.
CREATE FUNCTION set_updated_at() RETURNS trigger AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- +migrate Down
-- Rollback: drop the initial tables, children first
DROP TRIGGER IF EXISTS users_set_updated_at ON users;
DROP FUNCTION IF EXISTS set_updated_at();
DROP TABLE IF EXISTS database_connections;
DROP TABLE IF EXISTS storage_configurations;
DROP TABLE IF EXISTS team_members;
DROP TABLE IF EXISTS teams;
DROP TABLE IF EXISTS users;
