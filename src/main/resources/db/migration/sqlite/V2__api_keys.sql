-- Keys an operator added or deleted on the admin page, so that both survive a restart (merged with API_KEYS at
-- start). A deleted key keeps its row, without the key, so that it stays deleted even while API_KEYS still lists it.
-- This is the one table that holds keys: only the key pool reads it, and nothing else ever shows them.
CREATE TABLE api_keys (
    key_fingerprint    VARCHAR(16)  NOT NULL PRIMARY KEY,
    -- the key itself while it is in the pool; NULL once deleted
    api_key            VARCHAR(512),
    deleted            BOOLEAN      NOT NULL DEFAULT 0,
    updated_at_ms      BIGINT       NOT NULL
);
