-- The dialog's memory per conversation (what the bot asked and was told, see
-- include/intake/decision.hpp DialogMemory), the details gathered for each case (order
-- number, phone … from the rule pack's slot extractors), and the message functions of
-- 0002 extended to read and write them:
--   intake_load  also returns the conversation's newest case (any status), the case the
--                message names (only if it is the same customer's) and the memory;
--   intake_apply also reopens a case, records a satisfaction rating, escalates, stores
--                the memory and merges the details into the case.

ALTER TABLE conversations ADD COLUMN dialog jsonb NOT NULL DEFAULT '{}';
ALTER TABLE cases ADD COLUMN details jsonb NOT NULL DEFAULT '{}';

-- One index serves both "the open case" and "the newest case" of a conversation, so it
-- replaces the partial one (each index costs every new case a write).
CREATE INDEX cases_per_conversation ON cases (conversation_id, opened_at DESC);
DROP INDEX cases_open_per_conversation;

CREATE FUNCTION intake_case_snapshot(c cases) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN c.id IS NULL THEN NULL ELSE jsonb_build_object(
    'number', c.number, 'category', c.category, 'severity', c.severity, 'status', c.status,
    'opened_at', c.opened_at, 'first_response_due', c.first_response_due) END;
$$;

CREATE OR REPLACE FUNCTION intake_load(batch jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  item       jsonb;
  result     jsonb := '[]'::jsonb;
  v_ack      jsonb;
  v_identity channel_identities%ROWTYPE;
  v_conv     conversations%ROWTYPE;
  v_open     cases%ROWTYPE;
  v_latest   cases%ROWTYPE;
  v_named    cases%ROWTYPE;
BEGIN
  FOR item IN SELECT value FROM jsonb_array_elements(batch) LOOP
    PERFORM intake_sender_lock(item->>'channel', item->>'provider', item->>'sender_id');

    SELECT acknowledgement INTO v_ack FROM messages
     WHERE channel = item->>'channel' AND provider = item->>'provider' AND external_id = item->>'external_id';
    IF FOUND THEN
      result := result || jsonb_build_array(jsonb_build_object('duplicate', true, 'ack', v_ack));
      CONTINUE;
    END IF;

    v_identity := NULL; v_conv := NULL; v_open := NULL; v_latest := NULL; v_named := NULL;
    SELECT * INTO v_identity FROM channel_identities
     WHERE channel = item->>'channel' AND provider = item->>'provider' AND external_id = item->>'sender_id';
    IF FOUND THEN
      SELECT * INTO v_conv FROM conversations WHERE identity_id = v_identity.id;
      IF FOUND THEN
        SELECT * INTO v_open FROM cases
         WHERE conversation_id = v_conv.id AND status NOT IN ('resolved', 'closed') AND merged_into IS NULL
         ORDER BY opened_at DESC LIMIT 1;
        SELECT * INTO v_latest FROM cases WHERE conversation_id = v_conv.id ORDER BY opened_at DESC LIMIT 1;
      END IF;
      IF item->>'mentioned_case' IS NOT NULL THEN
        -- Only the customer's own cases: a stranger guessing a number learns nothing.
        SELECT * INTO v_named FROM cases
         WHERE number = item->>'mentioned_case' AND customer_id = v_identity.customer_id;
      END IF;
    END IF;

    result := result || jsonb_build_array(jsonb_build_object(
      'duplicate', false,
      'identity_id', v_identity.id,
      'customer_id', v_identity.customer_id,
      'conversation', CASE WHEN v_conv.id IS NULL THEN NULL ELSE
                        jsonb_build_object('id', v_conv.id, 'handled_by', v_conv.handled_by, 'dialog', v_conv.dialog) END,
      'open_case', intake_case_snapshot(v_open),
      'latest_case', intake_case_snapshot(v_latest),
      'mentioned_case', intake_case_snapshot(v_named)));
  END LOOP;
  RETURN result;
END;
$$;

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
            coalesce(item->'sla_clocks', '[]'::jsonb), v_received, v_details)
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
    'duplicate', false);

  INSERT INTO messages (conversation_id, case_id, direction, author, channel, provider, external_id, text, raw,
                        sent_at, received_at, classification, acknowledgement)
  VALUES (v_conv.id, v_case.id, 'inbound', 'customer', item->>'channel', item->>'provider', item->>'external_id',
          item->>'text', item->>'raw', (item->>'sent_at')::timestamptz, v_received, item->'classification', v_ack)
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
    IF (item->>'escalate')::boolean THEN
      UPDATE cases SET escalation_level = greatest(escalation_level, 1), updated_at = now() WHERE id = v_case.id;
      INSERT INTO case_events (case_id, actor, kind, after, message_id)
      VALUES (v_case.id, 'bot', 'escalated', jsonb_build_object('level', 1, 'reason', 'major_severity'), v_message);
    END IF;
    IF v_flags IS NOT NULL THEN
      INSERT INTO case_events (case_id, actor, kind, after, message_id)
      VALUES (v_case.id, 'bot', 'flagged', jsonb_build_object('reasons', item->'flags'), v_message);
    END IF;
  END IF;

  IF v_reply IS NOT NULL THEN
    INSERT INTO messages (conversation_id, case_id, direction, author, channel, provider, text, reply_to)
    VALUES (v_conv.id, v_case.id, 'outbound', 'bot', item->>'channel', item->>'provider', v_reply, v_message)
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
