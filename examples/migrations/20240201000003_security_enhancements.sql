-- +migrate Up
-- Description: sessions, API keys, webhooks and audit columns
-- Created: 2024-02-01 00:00:03 UTC

CREATE TABLE sessions (
    id           UUID        PRIMARY KEY,
    user_id      BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   TEXT        NOT NULL UNIQUE,
    user_agent   TEXT,
    ip_address   INET,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at   TIMESTAMPTZ NOT NULL,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at) WHERE revoked_at IS NULL;

CREATE TABLE api_keys (
    id           BIGSERIAL PRIMARY KEY,
    team_id      BIGINT      NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    created_by   BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    name         TEXT        NOT NULL,
    key_prefix   TEXT        NOT NULL CHECK (length(key_prefix) = 8),
    key_hash     TEXT        NOT NULL UNIQUE,
    scopes       TEXT[]      NOT NULL DEFAULT ARRAY['read']::text[],
    last_used_at TIMESTAMPTZ,
    expires_at   TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at   TIMESTAMPTZ,
    UNIQUE (team_id, name)
);
CREATE INDEX api_keys_prefix_idx ON api_keys (key_prefix);

CREATE TABLE webhooks (
    id             BIGSERIAL PRIMARY KEY,
    team_id        BIGINT      NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    url            TEXT        NOT NULL CHECK (url ~ '^https://'),
    secret_hash    TEXT        NOT NULL,
    events         TEXT[]      NOT NULL CHECK (cardinality(events) > 0),
    enabled        BOOLEAN     NOT NULL DEFAULT TRUE,
    failure_count  INTEGER     NOT NULL DEFAULT 0,
    last_status    INTEGER,
    last_called_at TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_team_enabled_idx ON webhooks (team_id) WHERE enabled;

-- Who changed what: audit columns on the tables people edit.
ALTER TABLE database_connections
    ADD COLUMN updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    ADD COLUMN updated_by BIGINT REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE storage_configurations
    ADD COLUMN updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    ADD COLUMN updated_by BIGINT REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE users
    ADD COLUMN last_login_at TIMESTAMPTZ,
    ADD COLUMN failed_login_count INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN locked_until TIMESTAMPTZ;

CREATE TRIGGER database_connections_set_updated_at BEFORE UPDATE ON database_connections
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER storage_configurations_set_updated_at BEFORE UPDATE ON storage_configurations
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- +migrate Down
-- Rollback: drop the security tables and audit columns
DROP TRIGGER IF EXISTS storage_configurations_set_updated_at ON storage_configurations;
DROP TRIGGER IF EXISTS database_connections_set_updated_at ON database_connections;
ALTER TABLE users
    DROP COLUMN IF EXISTS locked_until,
    DROP COLUMN IF EXISTS failed_login_count,
    DROP COLUMN IF EXISTS last_login_at;
ALTER TABLE storage_configurations
    DROP COLUMN IF EXISTS updated_by,
    DROP COLUMN IF EXISTS updated_at;
ALTER TABLE database_connections
    DROP COLUMN IF EXISTS updated_by,
    DROP COLUMN IF EXISTS updated_at;
DROP TABLE IF EXISTS webhooks;
DROP TABLE IF EXISTS api_keys;
DROP TABLE IF EXISTS sessions;
