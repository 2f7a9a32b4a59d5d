-- What Caravan took over from a gemini-balance database it was pointed at (dev.caravan.storage.GeminiBalanceImport):
-- one row per gemini-balance table, written in the same transaction as the import, so each table is imported once.
-- summary: a JSON object of what was taken and what was left (names and counts only, never a key or a token).
CREATE TABLE carryover (
    source_table       VARCHAR(64)  NOT NULL PRIMARY KEY,
    imported_at_ms     BIGINT       NOT NULL,
    summary            MEDIUMTEXT   NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- ERROR_LOG_RECORD_REQUEST_BODY: the client's request body of a failed request, bounded, keys and tokens redacted.
ALTER TABLE error_log ADD COLUMN request_body MEDIUMTEXT;
