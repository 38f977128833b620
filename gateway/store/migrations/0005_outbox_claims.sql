-- The outbox is sent at most once: a worker claims a reply (status 'sending', committed)
-- before it talks to the relay, and settles it afterwards ('sent', back to 'pending' with
-- a later next_attempt_at, or 'failed'). A reply left in 'sending' by a worker that died
-- mid-send is not retried, since the relay may already have it: it is marked failed for a
-- person to check (gateway/outbox_worker.hpp).
ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check CHECK (status IN ('pending', 'sending', 'sent', 'failed'));
ALTER TABLE outbox ADD COLUMN claimed_at timestamptz;
CREATE INDEX outbox_sending ON outbox (claimed_at) WHERE status = 'sending';
