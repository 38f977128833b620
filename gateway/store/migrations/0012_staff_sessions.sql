-- Browser sessions of the console (issue 6): a staff member signs in with their token
-- and gets a session cookie. The database keeps the SHA-256 of the cookie's value, never
-- the value. A session ends when its owner signs out, after it has been idle too long, at
-- its maximum age, or when the account is revoked (the gateway checks all four).
CREATE TABLE staff_sessions (
  digest       bytea PRIMARY KEY,
  staff_id     bigint NOT NULL REFERENCES staff (id),
  csrf         text NOT NULL,              -- sent back in X-CSRF-Token with every change
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  ended_at     timestamptz
);
CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id);
