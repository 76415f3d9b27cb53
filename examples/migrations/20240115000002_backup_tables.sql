-- +migrate Up
-- Description: backup jobs, the files they produce, who may see them, and retention policies
-- Created: 2024-01-15 00:00:02 UTC

CREATE TYPE backup_status AS ENUM ('queued', 'running', 'succeeded', 'failed', 'cancelled');

CREATE TABLE backup_policies (
    id                BIGSERIAL PRIMARY KEY,
    team_id           BIGINT      NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    name              TEXT        NOT NULL,
    schedule_cron     TEXT        NOT NULL,
    retention_days    INTEGER     NOT NULL DEFAULT 30 CHECK (retention_days > 0),
    keep_last         INTEGER     NOT NULL DEFAULT 7 CHECK (keep_last >= 0),
    compression       TEXT        NOT NULL DEFAULT 'zstd' CHECK (compression IN ('none', 'gzip', 'zstd')),
    enabled           BOOLEAN     NOT NULL DEFAULT TRUE,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (team_id, name)
);

CREATE TABLE backup_jobs (
    id                     BIGSERIAL PRIMARY KEY,
    database_connection_id BIGINT        NOT NULL REFERENCES database_connections (id) ON DELETE CASCADE,
    storage_configuration_id BIGINT      NOT NULL REFERENCES storage_configurations (id) ON DELETE RESTRICT,
    policy_id              BIGINT        REFERENCES backup_policies (id) ON DELETE SET NULL,
    status                 backup_status NOT NULL DEFAULT 'queued',
    triggered_by           BIGINT        REFERENCES users (id) ON DELETE SET NULL,
    started_at             TIMESTAMPTZ,
    finished_at            TIMESTAMPTZ,
    error_message          TEXT,
    created_at             TIMESTAMPTZ   NOT NULL DEFAULT now(),
    CONSTRAINT backup_jobs_finished_after_start CHECK (finished_at IS NULL OR started_at IS NULL OR finished_at >= started_at)
);
CREATE INDEX backup_jobs_connection_created_idx ON backup_jobs (database_connection_id, created_at DESC);
CREATE INDEX backup_jobs_active_idx ON backup_jobs (status) WHERE status IN ('queued', 'running');

CREATE TABLE backup_files (
    id            BIGSERIAL PRIMARY KEY,
    backup_job_id BIGINT      NOT NULL REFERENCES backup_jobs (id) ON DELETE CASCADE,
    object_key    TEXT        NOT NULL,
    size_bytes    BIGINT      NOT NULL CHECK (size_bytes >= 0),
    sha256        TEXT        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at    TIMESTAMPTZ,
    UNIQUE (backup_job_id, object_key)
);
CREATE INDEX backup_files_expires_idx ON backup_files (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE backup_permissions (
    database_connection_id BIGINT      NOT NULL REFERENCES database_connections (id) ON DELETE CASCADE,
    user_id                BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    can_run                BOOLEAN     NOT NULL DEFAULT FALSE,
    can_restore            BOOLEAN     NOT NULL DEFAULT FALSE,
    can_download           BOOLEAN     NOT NULL DEFAULT FALSE,
    granted_by             BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    granted_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (database_connection_id, user_id)
);

-- +migrate Down
-- Rollback: drop the backup tables and their type
DROP TABLE IF EXISTS backup_permissions;
DROP TABLE IF EXISTS backup_files;
DROP TABLE IF EXISTS backup_jobs;
DROP TABLE IF EXISTS backup_policies;
DROP TYPE IF EXISTS backup_status;
