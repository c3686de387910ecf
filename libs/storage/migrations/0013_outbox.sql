-- The transactional outbox (ARCHITECTURE.md "Application layer": events leave through a
-- transactional outbox). A state change and the event that tells of it are written in one
-- transaction; a relay publishes the pending rows in id order and marks them sent, so a
-- crash between the commit and the publish delays the event, never loses it (at least once:
-- a crash between the publish and the mark publishes it again).
CREATE TABLE outbox (
  id          bigserial PRIMARY KEY,
  topic       text NOT NULL,
  message_key text NOT NULL,
  payload     jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  sent_at     timestamptz,
  -- A row the bus refuses for good (its payload fails the topic's schema) is set aside with
  -- the reason, kept for an operator, so the rows after it still go out.
  failed_at   timestamptz,
  failure     text
);
-- The relay reads the pending rows in order; sent rows are pruned by age.
CREATE INDEX outbox_pending_idx ON outbox (id) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_sent_idx ON outbox (sent_at) WHERE sent_at IS NOT NULL;
