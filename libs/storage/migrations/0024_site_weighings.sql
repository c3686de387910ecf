-- Exit and entrance weighings put to use (RULES.md §13, §15, issue #15 item 4): 第71条 evidence
-- (an over-limit exit record, then the truck seen leaving the geofence) is a targeting alert of
-- its own kind; and which grade-A violation traces have been judged for 未过磅出场, so each is
-- judged once however often enforcement restarts.
ALTER TABLE targeting_alerts DROP CONSTRAINT IF EXISTS targeting_alerts_kind_check;
ALTER TABLE targeting_alerts ADD CONSTRAINT targeting_alerts_kind_check
  CHECK (kind IN ('cloned_plate', 'evasion_missed_scale', 'evasion_detour', 'entrance_refusal', 'unweighed_exit', 'heavy_body', 'exit_over_limit'));

CREATE TABLE unweighed_exit_checks (
  trace_id    text PRIMARY KEY,
  checked_at  timestamptz NOT NULL,
  -- true: no exit record in the window, a targeting alert was raised
  unweighed   boolean NOT NULL
);

-- The exit records of a plate at a station in a window (未过磅出场, 第71条).
CREATE INDEX IF NOT EXISTS wim_measurements_exit_plate_idx ON wim_measurements (plate, station_id, measured_at) WHERE record_kind = 'site_exit';
-- Open over-limit exit traces whose departure is not seen yet.
CREATE INDEX IF NOT EXISTS source_traces_trigger_idx ON source_traces (trigger_kind, weighed_at);
