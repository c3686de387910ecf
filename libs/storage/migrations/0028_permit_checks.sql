-- 大件 permit checks and area-ban episodes (RULES.md §11, §15 "Routes and areas"; issue #16 items 3–4).
-- Written by services/enforcement's permit-weighings, permit-hours and area-bans parts; read by the
-- API's audit sheet per permit (倒查) and the alerts' evidence. One writer per table.

-- One finding against the 大件 rules: moving inside a permit's corridor outside its dates or hours
-- (a stretch), a roadside weighing above the permit's declared figures (大车小证), or an §4
-- overload with no permit valid that day. Each raised one alert (`alert_id`).
CREATE TABLE permit_episodes (
  episode_id      text PRIMARY KEY,
  kind            text NOT NULL CHECK (kind IN ('permit_hours', 'permit_exceeded', 'oversize_without_permit')),
  vehicle_id      text NOT NULL,
  -- The permit (approved_routes of kind oversize_permit) judged against; null for "no permit".
  route_id        text REFERENCES approved_routes (route_id),
  -- Every permit whose corridor held the stretch (permit_hours), else just route_id.
  route_ids       text[] NOT NULL DEFAULT '{}',
  measurement_id  text,
  started_at      timestamptz NOT NULL,
  ended_at        timestamptz NOT NULL,
  -- The report (or weighing) at which it counted.
  counted_at      timestamptz NOT NULL,
  moving_ms       bigint NOT NULL DEFAULT 0 CHECK (moving_ms >= 0),
  moving_m        integer NOT NULL DEFAULT 0 CHECK (moving_m >= 0),
  -- The stretch's reports, the weighing, the declared figures and the excesses, as the alert carries them.
  evidence        jsonb NOT NULL DEFAULT '{}'::jsonb,
  alert_id        text NOT NULL,
  revision        integer NOT NULL DEFAULT 0,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (ended_at >= started_at)
);
CREATE INDEX permit_episodes_route_idx ON permit_episodes (route_id, started_at);
CREATE INDEX permit_episodes_routes_idx ON permit_episodes USING gin (route_ids);
CREATE INDEX permit_episodes_vehicle_idx ON permit_episodes (vehicle_id, started_at);
CREATE UNIQUE INDEX permit_episodes_measurement_idx ON permit_episodes (measurement_id) WHERE measurement_id IS NOT NULL;

-- Moving inside an area ban's polygon in one occurrence of its windows for ≥ 3 min or ≥ 1 km.
CREATE TABLE area_ban_episodes (
  episode_id   text PRIMARY KEY,
  ban_id       text NOT NULL REFERENCES area_bans (ban_id),
  vehicle_id   text NOT NULL,
  -- `windowIndex@local start date` of the window occurrence.
  occurrence   text NOT NULL,
  started_at   timestamptz NOT NULL,
  ended_at     timestamptz NOT NULL,
  counted_at   timestamptz NOT NULL,
  moving_ms    bigint NOT NULL CHECK (moving_ms >= 0),
  moving_m     integer NOT NULL CHECK (moving_m >= 0),
  evidence     jsonb NOT NULL DEFAULT '{}'::jsonb,
  alert_id     text NOT NULL,
  revision     integer NOT NULL DEFAULT 0,
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (ended_at >= started_at)
);
CREATE INDEX area_ban_episodes_ban_idx ON area_ban_episodes (ban_id, vehicle_id, started_at);
CREATE INDEX area_ban_episodes_vehicle_idx ON area_ban_episodes (vehicle_id, started_at);
