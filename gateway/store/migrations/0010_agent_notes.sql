-- Notes that a provider's own agents write about a customer (a call-centre agent's
-- summary of a call, from hotline/cti) are case events like a staff member's note. The
-- delivery's key makes a redelivered note find the first one instead of adding another.
ALTER TABLE case_events ADD COLUMN external_id text;
CREATE UNIQUE INDEX case_events_external_id ON case_events (external_id) WHERE external_id IS NOT NULL;
