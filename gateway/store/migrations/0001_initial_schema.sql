-- The intake gateway's schema: customers and their channel identities, conversations,
-- cases with their SLA clocks and audit trail, messages (inbound and outbound), and the
-- outbox for deliveries that cannot ride on a webhook's HTTP response.

CREATE TABLE customers (
  id           bigserial PRIMARY KEY,
  display_name text NOT NULL DEFAULT '',
  phone        text,
  email        text,
  address      text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- One row per (channel, provider, the provider's id for the person).
CREATE TABLE channel_identities (
  id          bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  channel     text NOT NULL,
  provider    text NOT NULL,
  external_id text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (channel, provider, external_id)
);
CREATE INDEX channel_identities_customer ON channel_identities (customer_id);

CREATE TABLE staff (
  id         bigserial PRIMARY KEY,
  name       text NOT NULL,
  role       text NOT NULL CHECK (role IN ('agent', 'supervisor', 'manager', 'admin')),
  token_hash bytea UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

-- A conversation is one channel identity's thread with the company.
CREATE TABLE conversations (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  customer_id     bigint NOT NULL REFERENCES customers (id),
  identity_id     bigint NOT NULL UNIQUE REFERENCES channel_identities (id),
  channel         text NOT NULL,
  provider        text NOT NULL,
  handled_by      text NOT NULL DEFAULT 'bot' CHECK (handled_by IN ('bot', 'staff')),
  assignee_id     bigint REFERENCES staff (id),
  flagged         boolean NOT NULL DEFAULT false,
  flag_reason     text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  last_message_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversations_flagged ON conversations (last_message_at DESC) WHERE flagged;
CREATE INDEX conversations_handled_by ON conversations (handled_by, last_message_at DESC);
CREATE INDEX conversations_customer ON conversations (customer_id);

CREATE TABLE cases (
  id                   bigserial PRIMARY KEY,
  number               text NOT NULL UNIQUE,
  customer_id          bigint NOT NULL REFERENCES customers (id),
  conversation_id      uuid NOT NULL REFERENCES conversations (id),
  channel              text NOT NULL,
  category             text NOT NULL CHECK (category IN ('inquiry', 'product_quality', 'installation_quality',
                         'misuse', 'staff_attitude', 'logistics', 'complaint', 'other')),
  severity             text NOT NULL CHECK (severity IN ('normal', 'serious', 'major')),
  status               text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'acknowledged', 'in_progress',
                         'pending_customer', 'resolved', 'closed', 'reopened')),
  escalation_level     smallint NOT NULL DEFAULT 0,
  assignee_id          bigint REFERENCES staff (id),
  first_response_due   timestamptz,
  first_responded_at   timestamptz,
  sla_clocks           jsonb NOT NULL DEFAULT '[]',
  demand               text,
  result               text,
  satisfaction         smallint CHECK (satisfaction BETWEEN 1 AND 5),
  satisfaction_comment text,
  merged_into          bigint REFERENCES cases (id),
  opened_at            timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL DEFAULT now(),
  resolved_at          timestamptz,
  closed_at            timestamptz
);
CREATE INDEX cases_open_per_conversation ON cases (conversation_id, opened_at DESC)
  WHERE status NOT IN ('resolved', 'closed');
CREATE INDEX cases_due ON cases (first_response_due) WHERE first_responded_at IS NULL AND status NOT IN ('resolved', 'closed');
CREATE INDEX cases_status ON cases (status, opened_at DESC);
-- Every index costs each new case a write; the staff API adds the others it needs
-- (by category, assignee, customer) together with the queries that use them.

CREATE TABLE messages (
  id              bigserial PRIMARY KEY,
  conversation_id uuid NOT NULL REFERENCES conversations (id),
  case_id         bigint REFERENCES cases (id),
  direction       text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  author          text NOT NULL CHECK (author IN ('customer', 'bot', 'staff')),
  staff_id        bigint REFERENCES staff (id),
  channel         text NOT NULL,
  provider        text NOT NULL,
  external_id     text,            -- the provider's delivery id (inbound); NULL for ours
  text            text NOT NULL,   -- as received or sent, never rewritten
  raw             text,            -- the request body as received, for audit
  sent_at         timestamptz,
  received_at     timestamptz NOT NULL DEFAULT now(),
  classification  jsonb,           -- labels, rules fired, spans, pack version
  acknowledgement jsonb,           -- what we answered, replayed to a redelivery
  reply_to        bigint REFERENCES messages (id),
  UNIQUE (channel, provider, external_id)
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);
CREATE INDEX messages_case ON messages (case_id, id) WHERE case_id IS NOT NULL;

-- Every change to a case, with who, when, before and after. Never updated or deleted.
CREATE TABLE case_events (
  id         bigserial PRIMARY KEY,
  case_id    bigint NOT NULL REFERENCES cases (id),
  at         timestamptz NOT NULL DEFAULT now(),
  actor      text NOT NULL,        -- 'bot', 'system', 'staff:<id>'
  kind       text NOT NULL,
  before     jsonb,
  after      jsonb,
  message_id bigint REFERENCES messages (id)
);
CREATE INDEX case_events_case ON case_events (case_id, id);

-- Deliveries that leave later (email, staff replies to chat, notifications).
CREATE TABLE outbox (
  id              bigserial PRIMARY KEY,
  message_id      bigint REFERENCES messages (id),
  channel         text NOT NULL,
  provider        text NOT NULL,
  recipient       jsonb NOT NULL,
  payload         jsonb NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz
);
CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE status = 'pending';
