-- A message recorded in a web chat conversation is announced on the channel
-- "intake_chat" with the customer's id as payload, so that every gateway instance can wake
-- that customer's open pages, whichever instance recorded it (a staff reply included).
-- PostgreSQL delivers the notification at commit, and only then: a page never hears of a
-- message it cannot read yet. Only the web chat announces, because a NOTIFY serialises the
-- commits that carry one, and the other channels have nobody listening.
CREATE FUNCTION intake_announce_chat_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('intake_chat', i.external_id)
     FROM conversations c JOIN channel_identities i ON i.id = c.identity_id
    WHERE c.id = NEW.conversation_id;
  RETURN NULL;
END;
$$;

CREATE TRIGGER messages_announce_chat AFTER INSERT ON messages
  FOR EACH ROW WHEN (NEW.channel = 'chat' AND NEW.provider = 'web')
  EXECUTE FUNCTION intake_announce_chat_message();
