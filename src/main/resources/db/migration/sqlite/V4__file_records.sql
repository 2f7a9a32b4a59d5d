-- The Files API (routes/files.camel.yaml). A file lives in the Google project of the key that uploaded it, so each
-- record names that key (by its fingerprint, never the key itself: the pool finds the key by it) and the client
-- token that uploaded it (by its fingerprint), which alone may see and delete it while FILES_USER_ISOLATION_ENABLED
-- is on. Kept in the database so that every replica, and a restarted gateway, sends a file's requests to its key.
CREATE TABLE file_records (
    -- Google's resource name, files/<id>
    name               VARCHAR(128) NOT NULL PRIMARY KEY,
    -- the client token's fingerprint; NULL for a record imported without one (then only visible without isolation)
    owner_fingerprint  VARCHAR(16),
    key_fingerprint    VARCHAR(16)  NOT NULL,
    display_name       VARCHAR(512),
    mime_type          VARCHAR(255),
    size_bytes         BIGINT,
    -- Google's File.state: PROCESSING, ACTIVE or FAILED
    state              VARCHAR(16)  NOT NULL,
    uri                VARCHAR(512),
    created_at_ms      BIGINT       NOT NULL,
    -- when Google deletes the file (48 hours after the upload); the cleanup drops the record after that
    expires_at_ms      BIGINT       NOT NULL
);
CREATE INDEX file_records_owner ON file_records (owner_fingerprint, created_at_ms);
CREATE INDEX file_records_expiry ON file_records (expires_at_ms);

-- Resumable uploads in progress: the opaque id Caravan gave the client in its X-Goog-Upload-URL, mapped to Google's
-- upload session and the key that opened it (every chunk must go with that key). The id is a random secret of
-- Caravan's; Google's own upload URL never reaches the client, and no key ever appears in a URL.
CREATE TABLE file_uploads (
    upload_id          VARCHAR(64)  NOT NULL PRIMARY KEY,
    owner_fingerprint  VARCHAR(16)  NOT NULL,
    key_fingerprint    VARCHAR(16)  NOT NULL,
    -- the query of Google's upload URL (upload_id=...&upload_protocol=resumable), sent under the upload path
    google_query       VARCHAR(1024) NOT NULL,
    display_name       VARCHAR(512),
    mime_type          VARCHAR(255),
    size_bytes         BIGINT,
    created_at_ms      BIGINT       NOT NULL,
    expires_at_ms      BIGINT       NOT NULL
);
CREATE INDEX file_uploads_expiry ON file_uploads (expires_at_ms);
