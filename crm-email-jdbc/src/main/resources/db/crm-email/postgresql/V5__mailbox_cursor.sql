-- crm-email schema, version 5: how far IMAP polling has read each connected mailbox (one row per integration).
-- UIDs mean something only with the folder and UIDVALIDITY they were read under; the poller starts over at the
-- folder's UIDNEXT when either changes.
CREATE TABLE IF NOT EXISTS crm_email_mailbox_cursor (
    integration_id BIGINT NOT NULL PRIMARY KEY,
    folder VARCHAR(1000) NOT NULL,
    uid_validity BIGINT NOT NULL,
    last_uid BIGINT NOT NULL
);
