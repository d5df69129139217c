-- crm-email schema, version 6 (H2): a message's metadata and an event's details become CHARACTER VARYING.
-- As CHARACTER LARGE OBJECT every value over 256 characters (nearly every message's JSON) lived in H2's LOB
-- storage: each insert and each status update wrote a new LOB and each read copied one, about a tenth of the
-- delivery engine's CPU. CHARACTER VARYING holds up to 10^9 characters in the row itself. Safe to run again.
ALTER TABLE crm_email_message ALTER COLUMN metadata SET DATA TYPE CHARACTER VARYING;
ALTER TABLE crm_email_event ALTER COLUMN details SET DATA TYPE CHARACTER VARYING;
