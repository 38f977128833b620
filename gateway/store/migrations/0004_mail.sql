-- E-mail: bodies that are not UTF-8 kept byte for byte, threading by Message-ID, what a
-- person needs besides the text (subject, attachments), and replies that were held back.
--   messages.raw_bytes        the body as received when it is not valid UTF-8 (raw is NULL then)
--   messages.reply_reference  the provider's id of the message (an e-mail's Message-ID; ours for
--                             our replies), so that an answer can be threaded to its case
--   messages.meta             {"subject", "attachments", "problems", "thread_references"}
-- intake_load    also finds the case a message's thread belongs to, treats a named open case
--                as the open case, and counts the bot's replies of the last hour on request;
-- intake_apply   also stores the new columns, the reason a reply was held back, and the
--                reply's own reference.

ALTER TABLE messages ADD COLUMN raw_bytes bytea;
ALTER TABLE messages ADD COLUMN reply_reference text;
ALTER TABLE messages ADD COLUMN meta jsonb;
CREATE INDEX messages_reply_reference ON messages (channel, reply_reference) WHERE reply_reference IS NOT NULL;

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
  v_recent   integer;
BEGIN
  FOR item IN SELECT value FROM jsonb_array_elements(batch) LOOP
    PERFORM intake_sender_lock(item->>'channel', item->>'provider', item->>'sender_id');

    SELECT acknowledgement INTO v_ack FROM messages
     WHERE channel = item->>'channel' AND provider = item->>'provider' AND external_id = item->>'external_id';
    IF FOUND THEN
      result := result || jsonb_build_array(jsonb_build_object('duplicate', true, 'ack', v_ack));
      CONTINUE;
    END IF;

    v_identity := NULL; v_conv := NULL; v_open := NULL; v_latest := NULL; v_named := NULL; v_recent := 0;
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
      IF v_named.id IS NULL AND jsonb_array_length(coalesce(item->'thread_references', '[]'::jsonb)) > 0 THEN
        -- The thread: the case of the nearest message it answers that we received or sent.
        SELECT c.* INTO v_named
          FROM jsonb_array_elements_text(item->'thread_references') WITH ORDINALITY AS r(ref, nearness)
          JOIN messages m ON m.channel = item->>'channel' AND m.reply_reference = r.ref
          JOIN cases c ON c.id = m.case_id
         WHERE c.customer_id = v_identity.customer_id
         ORDER BY r.nearness, m.id DESC LIMIT 1;
      END IF;
      IF v_named.id IS NOT NULL AND v_named.merged_into IS NULL AND v_named.status NOT IN ('resolved', 'closed') THEN
        v_open := v_named;  -- the message is about that open case, whatever newer one there is
      END IF;
      IF (item->>'count_recent_replies')::boolean AND v_conv.id IS NOT NULL THEN
        SELECT count(*) INTO v_recent FROM messages
         WHERE conversation_id = v_conv.id AND direction = 'outbound' AND author = 'bot'
           AND received_at > (item->>'received_at')::timestamptz - interval '1 hour';
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
      'mentioned_case', intake_case_snapshot(v_named),
      'recent_bot_replies', v_recent));
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
