-- Signal tampering (RULES.md §12, §15 "Tampering (§12)").

-- Wireless signal strength (item 0x30): I3 reads it. Nullable without a default, so a compressed
-- hypertable takes it and older rows read as "not reported" (not normal).
ALTER TABLE positions ADD COLUMN signal_strength smallint;

-- Registered blind areas (tunnels, car parks): a stretch they hold or the line between its ends
-- crosses is excluded. The geofence as a source site's: a polygon ring of [lon, lat] (WGS-84), or
-- a circle of radius_m around (longitude_deg, latitude_deg).
CREATE TABLE blind_areas (
  blind_area_id    text PRIMARY KEY,
  name             text NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('tunnel', 'car_park', 'other')),
  region_code      text,
  latitude_deg     double precision,
  longitude_deg    double precision,
  radius_m         double precision CHECK (radius_m IS NULL OR radius_m > 0),
  geofence_polygon jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (geofence_polygon IS NOT NULL OR (latitude_deg IS NOT NULL AND longitude_deg IS NOT NULL))
);

-- Suspected tampering episodes, one row per episode (id: vehicle and first start seen). A
-- re-judgement (back-fill landed) rewrites it or marks it withdrawn; the history stays.
CREATE TABLE tampering_episodes (
  episode_id     text PRIMARY KEY,
  vehicle_id     text NOT NULL,
  plate          text,
  company_id     text,
  region_code    text,
  started_at     timestamptz NOT NULL,
  ended_at       timestamptz NOT NULL,
  indicators     text[] NOT NULL,
  score          smallint NOT NULL,
  context_i7     boolean NOT NULL,
  context        jsonb NOT NULL DEFAULT '{}',
  evidence       jsonb NOT NULL DEFAULT '[]',
  latitude_deg   double precision,
  longitude_deg  double precision,
  status         text NOT NULL CHECK (status IN ('suspected', 'withdrawn')),
  alert_id       text NOT NULL,
  revision       integer NOT NULL DEFAULT 0,
  judged_at      timestamptz NOT NULL,
  withdrawn_at   timestamptz
);
CREATE INDEX tampering_episodes_vehicle_idx ON tampering_episodes (vehicle_id, started_at DESC);
CREATE INDEX tampering_episodes_company_idx ON tampering_episodes (company_id, started_at DESC);

-- The tampering job's watermark: positions received after it have not been judged yet.
CREATE TABLE tampering_job_state (
  job            text PRIMARY KEY,
  judged_to      timestamptz NOT NULL
);
