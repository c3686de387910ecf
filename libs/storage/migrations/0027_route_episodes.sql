-- Off-route episodes and 班线 stop findings (RULES.md §11, §15 "Routes and areas"), as the
-- detector raised them on the `alerts` topic: one row per alert, rewritten as the episode grows
-- (its end, maximum offset, km off route and stretch), for the map and the API (a company reads
-- its own vehicles' rows; owner as `vehicleRecord`, the copy below when the vehicle is unknown).
CREATE TABLE route_episodes (
  -- the alert's id (deterministic: vehicle, kind, start), so a redelivered alert rewrites its row
  episode_id      text PRIMARY KEY,
  kind            text NOT NULL CHECK (kind IN ('off_route', 'stop_passed', 'unapproved_dwell')),
  vehicle_id      text NOT NULL,
  plate           text,
  route_id        text REFERENCES approved_routes (route_id),
  company_id      text,
  region_code     text,
  started_at      timestamptz NOT NULL,
  ended_at        timestamptz,
  -- off_route: when it counted (≥ 180 s or ≥ 1,000 m reached, §15)
  counted_at      timestamptz,
  max_offset_m    double precision,
  off_route_m     double precision,
  -- [[lon, lat, atMs, offsetM], …]: the outside reports of the stretch (the map draws them in red)
  stretch         jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- stop_passed: the stop; unapproved_dwell: where it stood
  details         jsonb NOT NULL DEFAULT '{}'::jsonb,
  revision        integer NOT NULL DEFAULT 1,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX route_episodes_vehicle_idx ON route_episodes (vehicle_id, started_at DESC);
CREATE INDEX route_episodes_started_idx ON route_episodes (started_at DESC);
