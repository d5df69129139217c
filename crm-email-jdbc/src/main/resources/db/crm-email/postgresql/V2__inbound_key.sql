-- Inbound messages are stored once per record: the key (SHA-256 hex of the Message-ID, set for email_in only)
-- is unique per record, so two deliveries racing to store the same reply cannot both win.
ALTER TABLE crm_email_message ADD COLUMN inbound_key VARCHAR(64);
CREATE UNIQUE INDEX crm_email_message_inbound_idx
    ON crm_email_message (account_id, table_id, record_id, inbound_key) WHERE inbound_key IS NOT NULL;
