-- Values Caravan makes for itself at first start and never shows or exports (not operators' settings, which live in
-- the settings table). 'fingerprint-secret' keys the fingerprints of keys and tokens (HMAC-SHA-256, see
-- dev.caravan.keys.KeyFingerprint): kept with the data it protects, the same on every replica of one database.
-- From this version on, fingerprints are sixteen hex digits of that HMAC; rows written before carry ten hex digits of
-- an unkeyed SHA-256 and are re-keyed at start (dev.caravan.storage.FingerprintMigration).
CREATE TABLE installation (
    name               VARCHAR(64)  NOT NULL PRIMARY KEY,
    value              TEXT         NOT NULL,
    created_at_ms      BIGINT       NOT NULL
);
