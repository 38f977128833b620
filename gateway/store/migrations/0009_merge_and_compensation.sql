-- Merging duplicate cases and the compensation path.
--   cases.compensation  {"step": the last step, "amount": the amount applied for or
--                       agreed, "currency"}; each step is also a case event
--                       ('compensation_step'); NULL while nobody applied.
-- A merge moves the duplicate's messages and events into the case it duplicates, closes
-- it and points merged_into there; its number then redirects (the staff API answers 308).

ALTER TABLE cases ADD COLUMN compensation jsonb;
