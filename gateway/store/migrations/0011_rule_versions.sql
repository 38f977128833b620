-- Rule packs are versioned in the database so that managers change them through the
-- staff API and every gateway instance follows (issue 6). A version is immutable once
-- stored; which one is in force is the latest activation, so a rollback is simply the
-- activation of an earlier version, and the activations are the audit trail.
CREATE TABLE rule_versions (
  id         bigserial PRIMARY KEY,          -- the version's number in the API
  pack       text NOT NULL,                  -- the pack's JSON as written (comments kept)
  label      text NOT NULL,                  -- RulePack::version(): its "version" and a hash of the text
  note       text,                           -- the author's word on what changed
  from_file  boolean NOT NULL DEFAULT false, -- taken from the rule file by the gateway
  created_by bigint REFERENCES staff (id),   -- NULL: the gateway or intakectl
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE rule_activations (
  id           bigserial PRIMARY KEY,
  version_id   bigint NOT NULL REFERENCES rule_versions (id),
  activated_by bigint REFERENCES staff (id), -- NULL: the gateway, from the rule file
  activated_at timestamptz NOT NULL DEFAULT now()
);

-- Every instance LISTENs on intake_rules and loads the version named in the payload; the
-- notification is sent when the activation commits.
CREATE FUNCTION intake_announce_rules() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('intake_rules', NEW.version_id::text);
  RETURN NEW;
END $$;
CREATE TRIGGER rule_activations_announce AFTER INSERT ON rule_activations
  FOR EACH ROW EXECUTE FUNCTION intake_announce_rules();
