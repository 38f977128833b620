-- The message transaction, as two set-at-a-time functions so that a batch of messages
-- costs two round trips whatever its size (see gateway/store/ingest_store.cpp):
--   intake_load(batch)  → per message: duplicate (with the stored answer) or the state the
--                         dialog decides from (conversation, open case);
--   intake_apply(batch) → per message: writes conversation, case, message, reply, events
--                         and outbox rows; returns {duplicate, ack (as stored), case_opened}.
-- Both run inside one transaction opened by the caller.

-- Messages of one sender are handled one at a time, across connections and instances:
-- the lock is taken before the duplicate check, so a racing redelivery waits for the
-- first copy to commit and then finds it. Callers take locks in key order (no deadlock).
CREATE FUNCTION intake_sender_lock(p_channel text, p_provider text, p_sender text) RETURNS void
LANGUAGE sql AS $$
  SELECT pg_advisory_xact_lock(hashtextextended(p_channel || '/' || p_provider || '/' || p_sender, 7411));
$$;

CREATE FUNCTION intake_load(batch jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  item       jsonb;
  result     jsonb := '[]'::jsonb;
  v_ack      jsonb;
  v_identity channel_identities%ROWTYPE;
  v_conv     conversations%ROWTYPE;
  v_case     cases%ROWTYPE;
BEGIN
  FOR item IN SELECT value FROM jsonb_array_elements(batch) LOOP
    PERFORM intake_sender_lock(item->>'channel', item->>'provider', item->>'sender_id');

    SELECT acknowledgement INTO v_ack FROM messages
     WHERE channel = item->>'channel' AND provider = item->>'provider' AND external_id = item->>'external_id';
    IF FOUND THEN
      result := result || jsonb_build_array(jsonb_build_object('duplicate', true, 'ack', v_ack));
      CONTINUE;
    END IF;

    SELECT * INTO v_identity FROM channel_identities
     WHERE channel = item->>'channel' AND provider = item->>'provider' AND external_id = item->>'sender_id';
    IF NOT FOUND THEN
      result := result || jsonb_build_array(jsonb_build_object('duplicate', false, 'identity_id', NULL,
                  'customer_id', NULL, 'conversation', NULL, 'open_case', NULL));
      CONTINUE;
    END IF;

    SELECT * INTO v_conv FROM conversations WHERE identity_id = v_identity.id;
    IF NOT FOUND THEN
      result := result || jsonb_build_array(jsonb_build_object('duplicate', false, 'identity_id', v_identity.id,
                  'customer_id', v_identity.customer_id, 'conversation', NULL, 'open_case', NULL));
      CONTINUE;
    END IF;

    SELECT * INTO v_case FROM cases
     WHERE conversation_id = v_conv.id AND status NOT IN ('resolved', 'closed') AND merged_into IS NULL
     ORDER BY opened_at DESC LIMIT 1;
    result := result || jsonb_build_array(jsonb_build_object(
      'duplicate', false,
      'identity_id', v_identity.id,
      'customer_id', v_identity.customer_id,
      'conversation', jsonb_build_object('id', v_conv.id, 'handled_by', v_conv.handled_by),
      'open_case', CASE WHEN v_case.id IS NULL THEN NULL ELSE jsonb_build_object(
          'number', v_case.number, 'category', v_case.category, 'severity', v_case.severity,
          'status', v_case.status, 'opened_at', v_case.opened_at,
          'first_response_due', v_case.first_response_due) END));
    v_case := NULL;
  END LOOP;
  RETURN result;
END;
$$;

-- Allocates the next case number for a prefix and (company-local) day:
-- PREFIX-YYYYMMDD-NNNN, at least four digits. Each prefix and day has its own sequence,
-- made by the first case of the day. A sequence, unlike a counter row, is not locked
-- until commit, so transactions that open cases do not wait for one another; the price
-- is that a transaction that fails after drawing a number leaves that number unused.
CREATE FUNCTION intake_next_case_number(p_prefix text, p_day date) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  v_sequence text := 'intake_case_seq_' || lower(p_prefix) || '_' || to_char(p_day, 'YYYYMMDD');
  v_n        bigint;
BEGIN
  IF to_regclass(v_sequence) IS NULL THEN
    BEGIN
      EXECUTE format('CREATE SEQUENCE %I', v_sequence);
    EXCEPTION WHEN duplicate_table OR unique_violation THEN
      NULL;  -- another transaction made it first (we waited for it to commit)
    END;
  END IF;
  v_n := nextval(v_sequence);
  RETURN p_prefix || '-' || to_char(p_day, 'YYYYMMDD') || '-' ||
         CASE WHEN v_n < 10000 THEN lpad(v_n::text, 4, '0') ELSE v_n::text END;
END;
$$;

CREATE FUNCTION intake_apply_one(item jsonb, p_prefix text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  v_customer   bigint := (item->>'customer_id')::bigint;
  v_identity   bigint := (item->>'identity_id')::bigint;
  v_conv       conversations%ROWTYPE;
  v_case       cases%ROWTYPE;
  v_before     jsonb;
  v_message    bigint;
  v_reply_id   bigint;
  v_reply      text := item->>'reply_text';
  v_action     text := item->>'action';
  v_received   timestamptz := (item->>'received_at')::timestamptz;
  v_flags      text := NULLIF(array_to_string(ARRAY(SELECT jsonb_array_elements_text(item->'flags')), ','), '');
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

  INSERT INTO conversations AS c (customer_id, identity_id, channel, provider, last_message_at, flagged, flag_reason)
  VALUES (v_customer, v_identity, item->>'channel', item->>'provider', v_received, v_flags IS NOT NULL, v_flags)
  ON CONFLICT (identity_id) DO UPDATE
    SET last_message_at = greatest(c.last_message_at, EXCLUDED.last_message_at),
        flagged = c.flagged OR EXCLUDED.flagged,
        flag_reason = coalesce(EXCLUDED.flag_reason, c.flag_reason)
  RETURNING * INTO v_conv;

  IF v_action = 'open' THEN
    INSERT INTO cases (number, customer_id, conversation_id, channel, category, severity, first_response_due,
                       sla_clocks, opened_at)
    VALUES (intake_next_case_number(p_prefix, (item->>'day')::date), v_customer, v_conv.id, item->>'channel',
            item->>'category', item->>'severity', (item->>'first_response_due')::timestamptz,
            coalesce(item->'sla_clocks', '[]'::jsonb), v_received)
    RETURNING * INTO v_case;
    v_reply := replace(v_reply, '{case_number}', v_case.number);
  ELSIF v_action = 'attach' THEN
    SELECT * INTO v_case FROM cases WHERE number = item->>'case_number' FOR UPDATE;
    v_before := jsonb_build_object('category', v_case.category, 'severity', v_case.severity,
                                   'first_response_due', v_case.first_response_due);
    UPDATE cases SET category = item->>'category', severity = item->>'severity',
                     first_response_due = (item->>'first_response_due')::timestamptz, updated_at = now()
     WHERE id = v_case.id
    RETURNING * INTO v_case;
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
    IF v_action = 'open' THEN
      INSERT INTO case_events (case_id, actor, kind, after, message_id)
      VALUES (v_case.id, 'bot', 'opened', jsonb_build_object('category', v_case.category, 'severity',
              v_case.severity, 'first_response_due', v_case.first_response_due, 'status', v_case.status), v_message);
    ELSE
      INSERT INTO case_events (case_id, actor, kind, message_id) VALUES (v_case.id, 'bot', 'message_added', v_message);
      IF v_before IS DISTINCT FROM jsonb_build_object('category', v_case.category, 'severity', v_case.severity,
                                                      'first_response_due', v_case.first_response_due) THEN
        INSERT INTO case_events (case_id, actor, kind, before, after, message_id)
        VALUES (v_case.id, 'bot', 'labels_changed', v_before, jsonb_build_object('category', v_case.category,
                'severity', v_case.severity, 'first_response_due', v_case.first_response_due), v_message);
      END IF;
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

CREATE FUNCTION intake_apply(batch jsonb, p_prefix text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  item   jsonb;
  result jsonb := '[]'::jsonb;
  v_ack  jsonb;
BEGIN
  FOR item IN SELECT value FROM jsonb_array_elements(batch) LOOP
    BEGIN
      result := result || jsonb_build_array(intake_apply_one(item, p_prefix));
    EXCEPTION WHEN unique_violation THEN
      -- The same delivery committed meanwhile under another sender lock (a provider that
      -- reuses a message id for another sender): answer what was answered then. Any other
      -- unique violation is a real error and must not pass for a duplicate.
      SELECT acknowledgement INTO v_ack FROM messages
       WHERE channel = item->>'channel' AND provider = item->>'provider' AND external_id = item->>'external_id';
      IF NOT FOUND THEN
        RAISE;
      END IF;
      result := result || jsonb_build_array(jsonb_build_object('duplicate', true, 'ack', v_ack));
    END;
  END LOOP;
  RETURN result;
END;
$$;
