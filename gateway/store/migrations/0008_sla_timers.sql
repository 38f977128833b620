-- Durable SLA timers and the escalation ladder.
--
--   sla_jobs        one row per warning and per breach of every running clock of every
--                   case: scheduled by a trigger whenever a case's clocks, status, pause,
--                   merge or first response change, so every writer (intake, staff API)
--                   schedules alike. A job that fired stays 'done' and is never scheduled
--                   again for the same instant; jobs of clocks that moved are 'cancelled'.
--   intake_fire_sla_jobs(limit, worker, notify)
--                   claims due jobs with FOR UPDATE SKIP LOCKED, so several gateway
--                   instances never fire one twice, and in the same transaction writes
--                   the warning or breach, raises the escalation level, records the
--                   events and queues the notifications in the outbox. A restart loses
--                   nothing: what was not committed is still pending.
--   intake_escalate(case, level, reason, actor, message)
--                   one way to raise a case's level, from intake (a major complaint) and
--                   from breaches alike: the level, an 'escalated' event, and a 'notify'
--                   job that tells the new level's people.
--   intake_apply_one  now stores the clocks of a relabelled case and escalates to the
--                   level the SLA policy names (item.escalation_level).

CREATE TABLE sla_jobs (
  id          bigserial PRIMARY KEY,
  case_id     bigint NOT NULL REFERENCES cases (id),
  kind        text NOT NULL CHECK (kind IN ('warning', 'breach', 'notify')),
  clock       text NOT NULL,
  due_at      timestamptz NOT NULL,
  escalate_to smallint CHECK (escalate_to BETWEEN 0 AND 3),  -- a breach: straight to this level
  reason      text,                                          -- a notify job: why
  status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'cancelled')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  fired_at    timestamptz,
  fired_by    text
);
CREATE INDEX sla_jobs_due ON sla_jobs (due_at) WHERE status = 'pending';
CREATE INDEX sla_jobs_case ON sla_jobs (case_id) WHERE status = 'pending';
-- A warning or breach fires once per clock and due time, however often it is rescheduled.
CREATE UNIQUE INDEX sla_jobs_once ON sla_jobs (case_id, kind, clock, due_at)
  WHERE status <> 'cancelled' AND kind <> 'notify';

-- The ladder's levels by name, as the SLA policy spells them (include/intake/sla.hpp).
CREATE FUNCTION intake_level(p_name text) RETURNS smallint LANGUAGE sql IMMUTABLE AS $$
  SELECT (array_position(ARRAY['service_staff', 'after_sales_department', 'sales_vice_president',
                                'general_manager'], p_name) - 1)::smallint
$$;
CREATE FUNCTION intake_level_name(p_level integer) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT (ARRAY['service_staff', 'after_sales_department', 'sales_vice_president', 'general_manager'])[p_level + 1]
$$;

CREATE FUNCTION intake_schedule_sla_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.sla_clocks IS NOT DISTINCT FROM OLD.sla_clocks AND NEW.status = OLD.status
     AND NEW.paused_at IS NOT DISTINCT FROM OLD.paused_at AND NEW.merged_into IS NOT DISTINCT FROM OLD.merged_into
     AND NEW.first_responded_at IS NOT DISTINCT FROM OLD.first_responded_at THEN
    RETURN NULL;
  END IF;
  UPDATE sla_jobs SET status = 'cancelled' WHERE case_id = NEW.id AND status = 'pending' AND kind <> 'notify';
  IF NEW.status IN ('resolved', 'closed') OR NEW.paused_at IS NOT NULL OR NEW.merged_into IS NOT NULL THEN
    RETURN NULL;  -- done, or waiting on the customer: no clock runs
  END IF;
  INSERT INTO sla_jobs (case_id, kind, clock, due_at, escalate_to)
  SELECT NEW.id, j.kind, k->>'name', j.at, CASE WHEN j.kind = 'breach' THEN intake_level(k->>'escalate_to') END
    FROM jsonb_array_elements(NEW.sla_clocks) k,
         LATERAL (VALUES ('breach', (k->>'due')::timestamptz),
                         ('warning', (k->>'warn_at')::timestamptz)) AS j(kind, at)
   WHERE j.at IS NOT NULL
     AND NOT (k->>'name' = 'first_response' AND NEW.first_responded_at IS NOT NULL)
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END;
$$;

CREATE TRIGGER cases_schedule_sla_jobs AFTER INSERT OR UPDATE ON cases
  FOR EACH ROW EXECUTE FUNCTION intake_schedule_sla_jobs();

CREATE FUNCTION intake_escalate(p_case bigint, p_level integer, p_reason text, p_actor text, p_message bigint)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_before smallint;
BEGIN
  SELECT escalation_level INTO v_before FROM cases WHERE id = p_case FOR UPDATE;
  IF p_level <= v_before THEN
    RETURN;
  END IF;
  UPDATE cases SET escalation_level = p_level, updated_at = now() WHERE id = p_case;
  INSERT INTO case_events (case_id, actor, kind, before, after, message_id)
  VALUES (p_case, p_actor, 'escalated',
          jsonb_build_object('level', v_before, 'role', intake_level_name(v_before)),
          jsonb_build_object('level', p_level, 'role', intake_level_name(p_level), 'reason', p_reason), p_message);
  INSERT INTO sla_jobs (case_id, kind, clock, due_at, escalate_to, reason)
  VALUES (p_case, 'notify', 'escalation', now(), p_level, p_reason);
END;
$$;

-- p_notify: {"<level name>": {"email": "…"}, …} (config escalation.notify); p_mail:
-- {"from", "domain"}. Returns what fired: [{"job", "case", "kind", "clock", "level"}].
CREATE FUNCTION intake_fire_sla_jobs(p_limit integer, p_worker text, p_notify jsonb, p_mail jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  j        sla_jobs%ROWTYPE;
  c        cases%ROWTYPE;
  v_level  integer;
  v_role   text;
  v_text   text;
  v_fired  jsonb := '[]'::jsonb;
BEGIN
  FOR j IN SELECT * FROM sla_jobs WHERE status = 'pending' AND due_at <= now()
            ORDER BY due_at, id LIMIT p_limit FOR UPDATE SKIP LOCKED LOOP
    SELECT * INTO c FROM cases WHERE id = j.case_id;
    v_level := c.escalation_level;
    IF j.kind = 'warning' THEN
      INSERT INTO case_events (case_id, actor, kind, after)
      VALUES (c.id, 'system', 'sla_warning', jsonb_build_object('clock', j.clock, 'due', (
        SELECT k->>'due' FROM jsonb_array_elements(c.sla_clocks) k WHERE k->>'name' = j.clock LIMIT 1)));
      v_text := format('案件 %s 的时限 %s 即将到期。The %s deadline of case %s is near.', c.number, j.clock, j.clock, c.number);
    ELSIF j.kind = 'breach' THEN
      INSERT INTO case_events (case_id, actor, kind, after)
      VALUES (c.id, 'system', 'sla_breached', jsonb_build_object('clock', j.clock, 'due', j.due_at));
      -- One level up the ladder, or straight to the level the clock names; never down.
      PERFORM intake_escalate(c.id, least(3, greatest(c.escalation_level + 1, coalesce(j.escalate_to, 0))),
                              j.clock || '_breached', 'system', NULL);
      v_text := NULL;  -- the escalation's own notify job tells the new level
    ELSE
      v_level := j.escalate_to;
      v_text := format('案件 %s 已升级至 %s（%s）。Case %s is escalated to %s (%s).', c.number,
                       intake_level_name(j.escalate_to), j.reason, c.number, intake_level_name(j.escalate_to), j.reason);
    END IF;
    v_role := intake_level_name(v_level);
    IF v_text IS NOT NULL AND p_notify->v_role->>'email' IS NOT NULL THEN
      INSERT INTO outbox (channel, provider, recipient, payload)
      VALUES ('email', 'notification', jsonb_build_object('email', p_notify->v_role->>'email', 'name', v_role),
              jsonb_build_object('kind', 'notification', 'from', p_mail->>'from',
                                 'subject', format('[%s] %s', c.number, CASE j.kind WHEN 'warning' THEN 'SLA warning'
                                                                       ELSE 'escalated' END),
                                 'message_id', format('intake.notify-%s-%s@%s', j.id, c.id, p_mail->>'domain'),
                                 'text', v_text, 'automatic', true));
    END IF;
    UPDATE sla_jobs SET status = 'done', fired_at = now(), fired_by = p_worker WHERE id = j.id;
    v_fired := v_fired || jsonb_build_array(jsonb_build_object('job', j.id, 'case', c.number, 'kind', j.kind,
                                                               'clock', j.clock, 'level', v_level));
  END LOOP;
  RETURN v_fired;
END;
$$;

-- Cases filed before this migration stored no clocks (sla_clocks '[]'), so they have no
-- jobs to schedule: their first_response_due still shows in the staff API.

CREATE OR REPLACE FUNCTION intake_apply_one(item jsonb, p_prefix text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  v_customer   bigint := (item->>'customer_id')::bigint;
  v_identity   bigint := (item->>'identity_id')::bigint;
  v_conv       conversations%ROWTYPE;
  v_case       cases%ROWTYPE;
  v_before     jsonb;
  v_after      jsonb;
  v_message    bigint;
  v_reply_id   bigint;
  v_reply      text := item->>'reply_text';
  v_action     text := item->>'action';
  v_received   timestamptz := (item->>'received_at')::timestamptz;
  v_flags      text := NULLIF(array_to_string(ARRAY(SELECT jsonb_array_elements_text(item->'flags')), ','), '');
  v_details    jsonb := coalesce(item->'details', '{}'::jsonb);
  v_ack        jsonb;
  v_level      smallint := (item->>'escalation_level')::smallint;
  v_clocks     jsonb := CASE WHEN jsonb_typeof(item->'sla_clocks') = 'array' AND jsonb_array_length(item->'sla_clocks') > 0
                             THEN item->'sla_clocks' END;
BEGIN
  IF v_identity IS NULL THEN
    INSERT INTO customers (display_name, phone, email)
    VALUES (coalesce(item->>'sender_name', ''), item->>'phone', item->>'email')
    RETURNING id INTO v_customer;
    INSERT INTO channel_identities (customer_id, channel, provider, external_id)
    VALUES (v_customer, item->>'channel', item->>'provider', item->>'sender_id')
    RETURNING id INTO v_identity;
  END IF;

  INSERT INTO conversations AS c (customer_id, identity_id, channel, provider, last_message_at, flagged, flag_reason,
                                  dialog)
  VALUES (v_customer, v_identity, item->>'channel', item->>'provider', v_received, v_flags IS NOT NULL, v_flags,
          coalesce(item->'dialog', '{}'::jsonb))
  ON CONFLICT (identity_id) DO UPDATE
    SET last_message_at = greatest(c.last_message_at, EXCLUDED.last_message_at),
        flagged = c.flagged OR EXCLUDED.flagged,
        flag_reason = coalesce(EXCLUDED.flag_reason, c.flag_reason),
        dialog = EXCLUDED.dialog
  RETURNING * INTO v_conv;

  IF v_action = 'open' THEN
    INSERT INTO cases (number, customer_id, conversation_id, channel, category, severity, first_response_due,
                       sla_clocks, opened_at, details)
    VALUES (intake_next_case_number(p_prefix, (item->>'day')::date), v_customer, v_conv.id, item->>'channel',
            item->>'category', item->>'severity', (item->>'first_response_due')::timestamptz,
            coalesce(v_clocks, '[]'::jsonb), v_received, v_details)
    RETURNING * INTO v_case;
    v_reply := replace(v_reply, '{case_number}', v_case.number);
  ELSIF item->>'case_number' IS NOT NULL THEN
    SELECT * INTO v_case FROM cases WHERE number = item->>'case_number' AND customer_id = v_customer FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'case % is not this customer''s', item->>'case_number';
    END IF;
    v_before := jsonb_build_object('category', v_case.category, 'severity', v_case.severity,
                                   'first_response_due', v_case.first_response_due, 'status', v_case.status);
    IF v_action IN ('attach', 'reopen') THEN
      UPDATE cases SET category = item->>'category', severity = item->>'severity',
                       first_response_due = (item->>'first_response_due')::timestamptz,
                       sla_clocks = coalesce(v_clocks, sla_clocks),
                       status = CASE WHEN v_action = 'reopen' THEN 'reopened' ELSE status END,
                       resolved_at = CASE WHEN v_action = 'reopen' THEN NULL ELSE resolved_at END,
                       closed_at = CASE WHEN v_action = 'reopen' THEN NULL ELSE closed_at END,
                       details = details || v_details, updated_at = now()
       WHERE id = v_case.id
      RETURNING * INTO v_case;
    END IF;
  END IF;

  v_ack := jsonb_build_object(
    'reply', CASE WHEN v_reply IS NULL THEN NULL ELSE jsonb_build_object('text', v_reply) END,
    'case', CASE WHEN v_case.id IS NULL THEN NULL ELSE jsonb_build_object(
        'number', v_case.number, 'category', v_case.category, 'severity', v_case.severity,
        'status', v_case.status, 'first_response_due', v_case.first_response_due) END,
    'conversation', jsonb_build_object('id', v_conv.id, 'handled_by', v_conv.handled_by),
    'duplicate', false)
    || CASE WHEN item->>'suppressed_reason' IS NULL THEN '{}'::jsonb
            ELSE jsonb_build_object('suppressed_reason', item->>'suppressed_reason') END;

  INSERT INTO messages (conversation_id, case_id, direction, author, channel, provider, external_id, text, raw,
                        raw_bytes, reply_reference, meta, sent_at, received_at, classification, acknowledgement)
  VALUES (v_conv.id, v_case.id, 'inbound', 'customer', item->>'channel', item->>'provider', item->>'external_id',
          item->>'text', item->>'raw', decode(item->>'raw_hex', 'hex'), item->>'reply_reference',
          CASE WHEN jsonb_typeof(item->'meta') = 'object' THEN item->'meta' END,
          (item->>'sent_at')::timestamptz, v_received, item->'classification', v_ack)
  RETURNING id INTO v_message;

  IF v_case.id IS NOT NULL THEN
    v_after := jsonb_build_object('category', v_case.category, 'severity', v_case.severity,
                                  'first_response_due', v_case.first_response_due, 'status', v_case.status);
    IF v_action = 'open' THEN
      INSERT INTO case_events (case_id, actor, kind, after, message_id)
      VALUES (v_case.id, 'bot', 'opened', v_after, v_message);
    ELSE
      INSERT INTO case_events (case_id, actor, kind, message_id) VALUES (v_case.id, 'bot', 'message_added', v_message);
      IF v_action = 'reopen' THEN
        INSERT INTO case_events (case_id, actor, kind, before, after, message_id)
        VALUES (v_case.id, 'bot', 'reopened', v_before, v_after, v_message);
      ELSIF v_before IS DISTINCT FROM v_after THEN
        INSERT INTO case_events (case_id, actor, kind, before, after, message_id)
        VALUES (v_case.id, 'bot', 'labels_changed', v_before, v_after, v_message);
      END IF;
    END IF;
    IF item->'satisfaction' IS NOT NULL AND jsonb_typeof(item->'satisfaction') = 'object' THEN
      UPDATE cases SET satisfaction = (item->'satisfaction'->>'rating')::smallint,
                       satisfaction_comment = item->'satisfaction'->>'comment', updated_at = now()
       WHERE id = v_case.id;
      INSERT INTO case_events (case_id, actor, kind, after, message_id)
      VALUES (v_case.id, 'customer', 'rated', item->'satisfaction', v_message);
    END IF;
    IF v_level IS NOT NULL AND v_level > v_case.escalation_level THEN
      PERFORM intake_escalate(v_case.id, v_level, 'major_severity', 'bot', v_message);
    END IF;
    IF v_flags IS NOT NULL THEN
      INSERT INTO case_events (case_id, actor, kind, after, message_id)
      VALUES (v_case.id, 'bot', 'flagged', jsonb_build_object('reasons', item->'flags'), v_message);
    END IF;
  END IF;

  IF v_reply IS NOT NULL THEN
    INSERT INTO messages (conversation_id, case_id, direction, author, channel, provider, text, reply_to,
                          reply_reference)
    VALUES (v_conv.id, v_case.id, 'outbound', 'bot', item->>'channel', item->>'provider', v_reply, v_message,
            CASE WHEN jsonb_typeof(item->'outbox') = 'object' THEN item->'outbox'->>'reply_reference' END)
    RETURNING id INTO v_reply_id;
    IF item->'outbox' IS NOT NULL AND jsonb_typeof(item->'outbox') = 'object' THEN
      INSERT INTO outbox (message_id, channel, provider, recipient, payload)
      VALUES (v_reply_id, item->>'channel', item->>'provider', item->'outbox'->'recipient',
              jsonb_set(item->'outbox'->'payload', '{text}', to_jsonb(v_reply)));
    END IF;
  END IF;

  RETURN jsonb_build_object('duplicate', false, 'ack', v_ack,
                            'case_opened', v_action = 'open' AND v_case.id IS NOT NULL);
END;
$$;
