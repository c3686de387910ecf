-- Entrance refusals wait a settle delay before they are traced (issue #15): the archiver may not
-- have stored the last minutes of the truck's positions when the refusal arrives, and the chain
-- would read "last report > 5 min before t_w" (B instead of A). Kept here until due, so a
-- restart of enforcement loses none; deleted once judged.
CREATE TABLE entrance_refusals_pending (
  measurement_id  text PRIMARY KEY,
  due_at          timestamptz NOT NULL,
  -- the wimMeasurementV1 record as received
  record          jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX entrance_refusals_pending_due_idx ON entrance_refusals_pending (due_at);
