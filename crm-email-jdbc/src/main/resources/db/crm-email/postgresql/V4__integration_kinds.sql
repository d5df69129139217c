-- crm-email schema, version 4, for PostgreSQL 14+: integration kinds (relay, connected Gmail / Office 365 mailbox,
-- direct delivery), the owner of a connected mailbox, sandbox and one-click unsubscribe switches, and the
-- kind's settings (OAuth client and refresh token, DKIM keys, IMAP polling) as JSON encrypted like the password.
ALTER TABLE crm_email_integration ADD COLUMN kind VARCHAR(16) DEFAULT 'smtp' NOT NULL;
ALTER TABLE crm_email_integration ADD COLUMN owner_user_id BIGINT;
ALTER TABLE crm_email_integration ADD COLUMN sandbox BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE crm_email_integration ADD COLUMN list_unsubscribe BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE crm_email_integration ADD COLUMN settings_encrypted TEXT;
