-- The staff side of cases: the lifecycle's pause, who read whose record, and the indexes
-- the staff API's filters use; the conversations staff take over.
--   cases.paused_at   set while the case waits on the customer (status pending_customer);
--                     the SLA clocks move later by the pause when it ends
--   access_log        every read of a customer's record through the staff API: who, when,
--                     what (confidentiality, REQUIREMENTS.md). Never updated or deleted.

ALTER TABLE cases ADD COLUMN paused_at timestamptz;

CREATE TABLE access_log (
  id       bigserial PRIMARY KEY,
  at       timestamptz NOT NULL DEFAULT now(),
  staff_id bigint NOT NULL REFERENCES staff (id),
  action   text NOT NULL,   -- 'read_case', 'read_conversation', 'list_cases', …
  subject  text NOT NULL    -- the case number or conversation id read, or the filter listed
);
CREATE INDEX access_log_staff ON access_log (staff_id, at DESC);
CREATE INDEX access_log_subject ON access_log (subject, at DESC);

CREATE INDEX cases_category ON cases (category, opened_at DESC);
CREATE INDEX cases_assignee ON cases (assignee_id, opened_at DESC) WHERE assignee_id IS NOT NULL;
CREATE INDEX cases_customer ON cases (customer_id, opened_at DESC);

-- Whether a case is overdue at `at`: open, not paused, and its first response is late or
-- another of its clocks has run out. One definition for the staff API's filter, its
-- listings and the KPIs.
CREATE FUNCTION intake_case_overdue(c cases, at timestamptz) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT c.status NOT IN ('resolved', 'closed') AND c.merged_into IS NULL AND c.paused_at IS NULL AND (
           (c.first_responded_at IS NULL AND c.first_response_due < at)
           OR EXISTS (SELECT 1 FROM jsonb_array_elements(c.sla_clocks) k
                       WHERE k->>'name' <> 'first_response' AND (k->>'due')::timestamptz < at))
$$;

-- Conversations an agent owns, for the queue.
CREATE INDEX conversations_assignee ON conversations (assignee_id, last_message_at DESC) WHERE assignee_id IS NOT NULL;
