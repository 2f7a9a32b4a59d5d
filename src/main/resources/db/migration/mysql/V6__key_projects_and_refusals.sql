-- Quotas (issue 14): the project a key is in when an operator on the admin page, Google or the evidence of coinciding
-- 429s put it there (API_KEYS' key@project is read again at each start), its source and why.
ALTER TABLE key_state ADD COLUMN project VARCHAR(128);
ALTER TABLE key_state ADD COLUMN project_source VARCHAR(16);
ALTER TABLE key_state ADD COLUMN project_evidence VARCHAR(255);
-- Why the gateway refused a request itself (every key cooling, a wait that ran out, the pool paused), or NULL.
ALTER TABLE request_log ADD COLUMN refusal VARCHAR(255);
