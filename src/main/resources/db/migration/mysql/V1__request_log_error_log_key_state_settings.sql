-- Caravan's schema, MySQL/MariaDB flavour (db/migration/sqlite holds the same tables for SQLite).
-- Times are epoch milliseconds (UTC). No column ever holds a key or a token: keys and clients are named by their
-- fingerprint (ten hex digits of SHA-256, as dev.caravan.keys.KeyFingerprint makes it).

-- One row per client request, written in batches off the hot path (routes/request-log.camel.yaml).
CREATE TABLE request_log (
    id                 BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    request_id         VARCHAR(64)  NOT NULL,
    request_at_ms      BIGINT       NOT NULL,
    surface            VARCHAR(16)  NOT NULL,
    method             VARCHAR(8),
    path               VARCHAR(512),
    model              VARCHAR(128),
    streamed           BOOLEAN      NOT NULL DEFAULT 0,
    client_fingerprint VARCHAR(16),
    status             INT          NOT NULL,
    latency_ms         BIGINT       NOT NULL,
    -- attempts: a JSON array, one {"key","status","verdict"} per upstream attempt, in order
    attempt_count      INT          NOT NULL,
    attempts           TEXT,
    prompt_tokens      INT,
    completion_tokens  INT,
    thought_tokens     INT,
    total_tokens       INT,
    error_type         VARCHAR(64),
    INDEX request_log_request_at (request_at_ms)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- One row per failed request: what went wrong, with Google's error body (keys and tokens redacted).
CREATE TABLE error_log (
    id                 BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    request_id         VARCHAR(64)  NOT NULL,
    error_at_ms        BIGINT       NOT NULL,
    surface            VARCHAR(16)  NOT NULL,
    path               VARCHAR(512),
    model              VARCHAR(128),
    client_fingerprint VARCHAR(16),
    key_fingerprint    VARCHAR(16),
    status             INT          NOT NULL,
    upstream_status    INT,
    error_type         VARCHAR(64),
    error_body         MEDIUMTEXT,
    INDEX error_log_error_at (error_at_ms),
    INDEX error_log_request_id (request_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- The health of each pool key that is not plainly fine, restored at start by fingerprint.
-- cooldowns: a JSON object, model ("" for calls without one) -> {"until","kind","status","reason","quotaId","at"}
CREATE TABLE key_state (
    key_fingerprint    VARCHAR(16)  NOT NULL PRIMARY KEY,
    state              VARCHAR(16)  NOT NULL,
    manually_disabled  BOOLEAN      NOT NULL DEFAULT 0,
    strikes            INT          NOT NULL DEFAULT 0,
    reason             VARCHAR(128),
    evidence_status    INT,
    quota_id           VARCHAR(255),
    evidence_at_ms     BIGINT,
    cooldowns          MEDIUMTEXT,
    updated_at_ms      BIGINT       NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Runtime configuration saved by operators: a row overrides the caravan.* property of the same name until it is
-- deleted (README, "Where a setting comes from").
CREATE TABLE settings (
    setting_name       VARCHAR(128) NOT NULL PRIMARY KEY,
    setting_value      TEXT         NOT NULL,
    updated_at_ms      BIGINT       NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
