-- Caravan's schema, SQLite flavour (db/migration/mysql holds the same tables for MySQL/MariaDB).
-- Times are epoch milliseconds (UTC). No column ever holds a key or a token: keys and clients are named by their
-- fingerprint (ten hex digits of SHA-256, as dev.caravan.keys.KeyFingerprint makes it).

-- One row per client request, written in batches off the hot path (routes/request-log.camel.yaml).
CREATE TABLE request_log (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id         VARCHAR(64)  NOT NULL,
    request_at_ms      BIGINT       NOT NULL,
    surface            VARCHAR(16)  NOT NULL,
    method             VARCHAR(8),
    path               VARCHAR(512),
    model              VARCHAR(128),
    streamed           BOOLEAN      NOT NULL DEFAULT 0,
    client_fingerprint VARCHAR(16),
    status             INTEGER      NOT NULL,
    latency_ms         BIGINT       NOT NULL,
    -- attempts: a JSON array, one {"key","status","verdict"} per upstream attempt, in order
    attempt_count      INTEGER      NOT NULL,
    attempts           TEXT,
    prompt_tokens      INTEGER,
    completion_tokens  INTEGER,
    thought_tokens     INTEGER,
    total_tokens       INTEGER,
    error_type         VARCHAR(64)
);
CREATE INDEX request_log_request_at ON request_log (request_at_ms);

-- One row per failed request: what went wrong, with Google's error body (keys and tokens redacted).
CREATE TABLE error_log (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id         VARCHAR(64)  NOT NULL,
    error_at_ms        BIGINT       NOT NULL,
    surface            VARCHAR(16)  NOT NULL,
    path               VARCHAR(512),
    model              VARCHAR(128),
    client_fingerprint VARCHAR(16),
    key_fingerprint    VARCHAR(16),
    status             INTEGER      NOT NULL,
    upstream_status    INTEGER,
    error_type         VARCHAR(64),
    error_body         TEXT
);
CREATE INDEX error_log_error_at ON error_log (error_at_ms);
CREATE INDEX error_log_request_id ON error_log (request_id);

-- The health of each pool key that is not plainly fine, restored at start by fingerprint.
-- cooldowns: a JSON object, model ("" for calls without one) -> {"until","kind","status","reason","quotaId","at"}
CREATE TABLE key_state (
    key_fingerprint    VARCHAR(16)  NOT NULL PRIMARY KEY,
    state              VARCHAR(16)  NOT NULL,
    manually_disabled  BOOLEAN      NOT NULL DEFAULT 0,
    strikes            INTEGER      NOT NULL DEFAULT 0,
    reason             VARCHAR(128),
    evidence_status    INTEGER,
    quota_id           VARCHAR(255),
    evidence_at_ms     BIGINT,
    cooldowns          TEXT,
    updated_at_ms      BIGINT       NOT NULL
);

-- Runtime configuration saved by operators: a row overrides the caravan.* property of the same name until it is
-- deleted (README, "Where a setting comes from").
CREATE TABLE settings (
    setting_name       VARCHAR(128) NOT NULL PRIMARY KEY,
    setting_value      TEXT         NOT NULL,
    updated_at_ms      BIGINT       NOT NULL
);
