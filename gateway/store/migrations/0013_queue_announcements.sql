-- The console's queue is live (issue 6): what staff must see announces itself on the
-- channel "intake_queue" with the conversation's id, so that every instance can tell its
-- open console pages to read the queue again. The pages then read through the staff API,
-- which applies the reader's permissions; the announcement carries nothing else.
--
-- A NOTIFY serialises the commits that carry one (see 0006), so ordinary bot traffic
-- announces nothing: only a conversation that is flagged or in staff hands, a change of
-- flag, owner or handler, and the case events staff act on (escalation, SLA warnings and
-- breaches, status, labels, assignment, merge).
CREATE FUNCTION intake_announce_queue_conversation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('intake_queue', NEW.id::text);
  RETURN NULL;
END;
$$;

CREATE TRIGGER conversations_announce_queue_insert AFTER INSERT ON conversations
  FOR EACH ROW WHEN (NEW.flagged OR NEW.handled_by = 'staff')
  EXECUTE FUNCTION intake_announce_queue_conversation();

CREATE TRIGGER conversations_announce_queue_update AFTER UPDATE ON conversations
  FOR EACH ROW WHEN (OLD.flagged IS DISTINCT FROM NEW.flagged
                     OR OLD.handled_by IS DISTINCT FROM NEW.handled_by
                     OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id
                     OR ((NEW.flagged OR NEW.handled_by = 'staff') AND OLD.last_message_at IS DISTINCT FROM NEW.last_message_at))
  EXECUTE FUNCTION intake_announce_queue_conversation();

CREATE FUNCTION intake_announce_queue_case_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('intake_queue', c.conversation_id::text) FROM cases c WHERE c.id = NEW.case_id;
  RETURN NULL;
END;
$$;

CREATE TRIGGER case_events_announce_queue AFTER INSERT ON case_events
  FOR EACH ROW WHEN (NEW.kind IN ('escalated', 'sla_warning', 'sla_breached', 'status_changed', 'labels_changed',
                                  'assigned', 'merged'))
  EXECUTE FUNCTION intake_announce_queue_case_event();
