-- crm-email schema, version 3, for PostgreSQL 14+: listing and searching messages, the "being sent" mark,
-- templates, idempotency keys with leases, and send counters.

-- Derived from the metadata JSON and rewritten with it, so that list filters run in SQL. recipients (lower case)
-- and tags hold each value between bars, |a|b|, with a '\' or '|' inside a value written \\ or \p, so that
-- LIKE '%|value|%' matches whole values only.
-- JdbcEmailStore.migrate() fills them for the messages stored before this version right after this script.
ALTER TABLE crm_email_message ADD COLUMN thread_id VARCHAR(998);
ALTER TABLE crm_email_message ADD COLUMN sent_at TIMESTAMPTZ(6);
ALTER TABLE crm_email_message ADD COLUMN recipients TEXT;
ALTER TABLE crm_email_message ADD COLUMN tags TEXT;
-- An account's messages newest first (the listing) and a conversation oldest first.
CREATE INDEX crm_email_message_account_idx ON crm_email_message (account_id, id);
CREATE INDEX crm_email_message_thread_idx ON crm_email_message (account_id, thread_id, id);

-- Set by the lease owner right before transmitting: a cancel then no longer applies while that lease lasts.
ALTER TABLE crm_email_outbox ADD COLUMN sending BOOLEAN DEFAULT FALSE NOT NULL;

-- status is 'in_flight' or 'completed'; an in-flight key whose lease_until passed is taken over (its node died).
ALTER TABLE crm_email_idempotency ADD COLUMN lease_until TIMESTAMPTZ(6);
ALTER TABLE crm_email_idempotency ADD COLUMN http_status INTEGER;
-- Idempotency-Key takes up to 256 characters (the v1 contract); V1 made room for 255.
ALTER TABLE crm_email_idempotency ALTER COLUMN idem_key TYPE VARCHAR(256);

-- Sends per account and window; windows older than a day before a newly opened one are deleted.
CREATE TABLE crm_email_send_window (
    account_id    BIGINT NOT NULL,
    window_start  TIMESTAMPTZ(6) NOT NULL,
    sends         BIGINT NOT NULL,
    PRIMARY KEY (account_id, window_start)
);
