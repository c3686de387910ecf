-- Naming the four parties (RULES.md §13–§14, §15 "Four parties", "WIM × GPS"): the shared
-- schema of issue #15 — source-site geofences, exit and entrance weighings, driver identity and
-- the shift roster, curb masses, traces and targeting alerts. Each table has one writer
-- (test/one-writer-per-table.spec.ts); the parts that build on them add their own migrations.

-- Configurable kinds of 货运源头单位 sites (§13: 砂石料场, 矿山, 水泥/混凝土, 港口码头/货运站, 物流园区).
CREATE TABLE source_site_kinds (
  kind_code  text PRIMARY KEY,
  name_zh    text NOT NULL,
  name_en    text NOT NULL,
  sort_order integer NOT NULL DEFAULT 0
);
INSERT INTO source_site_kinds (kind_code, name_zh, name_en, sort_order) VALUES
  ('sand_gravel', '砂石料场', 'Sand and gravel yard', 1),
  ('mine', '矿山', 'Mine / quarry', 2),
  ('cement_concrete', '水泥/混凝土', 'Cement / concrete plant', 3),
  ('port_freight', '港口码头/货运站', 'Port / freight station', 4),
  ('logistics_park', '物流园区', 'Logistics park', 5);

-- A site's geofence: a polygon ring of [lon, lat] (WGS-84, as positions are stored), or a circle
-- of geofence_radius_m around (longitude_deg, latitude_deg) (default 200 m, §13); an optional exit scale.
ALTER TABLE source_sites
  ADD COLUMN geofence_polygon jsonb,
  ADD COLUMN geofence_radius_m double precision,
  ADD COLUMN site_kind text REFERENCES source_site_kinds (kind_code),
  ADD COLUMN key_site boolean NOT NULL DEFAULT false,
  ADD COLUMN exit_station_id text;

-- Stations: exit scales of source sites and expressway entrance scales weigh like WIM stations
-- (authenticated per station); a station may name its source site; evasion needs its road's
-- corridor (a polyline of [lon, lat]) to draw the screen lines (§14).
ALTER TABLE wim_stations DROP CONSTRAINT IF EXISTS wim_stations_kind_check;
ALTER TABLE wim_stations ADD CONSTRAINT wim_stations_kind_check CHECK (kind IN ('fixed', 'non_site', 'source', 'site_exit', 'entrance'));
ALTER TABLE wim_stations
  ADD COLUMN source_site_id text,
  ADD COLUMN corridor_polyline jsonb;

-- A weighing's kind: a WIM record, a source site's exit-scale record (gross/tare/net, loading
-- slip) or an expressway entrance scale's (refused entry or not).
ALTER TABLE wim_measurements
  ADD COLUMN record_kind text NOT NULL DEFAULT 'wim' CHECK (record_kind IN ('wim', 'site_exit', 'entrance')),
  ADD COLUMN tare_kg double precision,
  ADD COLUMN net_kg double precision,
  ADD COLUMN loading_slip_no text,
  ADD COLUMN entry_refused boolean;

-- Curb masses (整备质量) for 大吨小标 (§14): the tractor's or rigid truck's, and the trailer's.
ALTER TABLE vehicles
  ADD COLUMN curb_mass_kg double precision,
  ADD COLUMN trailer_curb_mass_kg double precision;

-- Driver identity reports (JT/T 808 0x0702, IC card): sign-in / sign-out with the card's facts.
CREATE TABLE driver_card_events (
  terminal_id        text NOT NULL,
  vehicle_id         text,
  reported_at        timestamptz NOT NULL,
  -- 'sign_in' (card inserted, read ok), 'sign_out' (card pulled), 'read_failed'
  event              text NOT NULL CHECK (event IN ('sign_in', 'sign_out', 'read_failed')),
  driver_name        text,
  qualification_no   text,           -- 从业资格证编号
  issuing_authority  text,
  card_valid_until   date,
  id_card_no         text,           -- 2019: 驾驶员身份证号
  -- the registry's driver when the qualification number matches one
  driver_id          text,
  received_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (terminal_id, reported_at, event)
);
CREATE INDEX driver_card_events_vehicle_idx ON driver_card_events (vehicle_id, reported_at);
CREATE INDEX driver_card_events_driver_idx ON driver_card_events (driver_id, reported_at);

-- A company's shift roster: who drives which vehicle when ([starts_at, ends_at)).
CREATE TABLE driver_shifts (
  shift_id    text PRIMARY KEY,
  company_id  text NOT NULL,
  driver_id   text NOT NULL,
  vehicle_id  text NOT NULL,
  starts_at   timestamptz NOT NULL,
  ends_at     timestamptz NOT NULL CHECK (ends_at > starts_at),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX driver_shifts_vehicle_idx ON driver_shifts (vehicle_id, starts_at);

-- 源头倒查 (§13): one trace per trigger (a confirmed violation, an entrance refusal, an over-limit
-- exit record): the grade, the proposed site, reasons and evidence, and the officer's confirmation.
CREATE TABLE source_traces (
  trace_id            text PRIMARY KEY,
  trigger_kind        text NOT NULL CHECK (trigger_kind IN ('violation', 'entrance_refusal', 'exit_over_limit')),
  violation_id        text,
  case_id             text,
  measurement_id      text,
  vehicle_id          text,
  plate               text NOT NULL,
  plate_colour        smallint NOT NULL,
  region_code         text,
  weighed_at          timestamptz NOT NULL,
  grade               text NOT NULL CHECK (grade IN ('A', 'B', 'C')),
  source_site_id      text,
  source_company_id   text,
  candidate_site_ids  text[] NOT NULL DEFAULT '{}',
  unweighed_exit      boolean NOT NULL DEFAULT false,
  -- reasons [{code, zh, en}], stops, the chain, 第71条 evidence: as the rule answered
  result              jsonb NOT NULL,
  status              text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'to_confirm', 'confirmed', 'rejected', 'recorded')),
  decided_by          text,
  decided_at          timestamptz,
  decision_comment    text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX source_traces_case_idx ON source_traces (case_id);
CREATE INDEX source_traces_site_idx ON source_traces (source_site_id, weighed_at);

-- Targeting alerts for enforcement (§13–§14): 套牌, evasion (missed scale, detour), an entrance
-- refusal, 未过磅出场, 大吨小标 — leads for officers, never penalties.
CREATE TABLE targeting_alerts (
  targeting_id      text PRIMARY KEY,
  kind              text NOT NULL CHECK (kind IN ('cloned_plate', 'evasion_missed_scale', 'evasion_detour', 'entrance_refusal', 'unweighed_exit', 'heavy_body')),
  plate             text NOT NULL,
  plate_colour      smallint NOT NULL,
  vehicle_id        text,
  station_id        text,
  measurement_id    text,
  occurred_at       timestamptz NOT NULL,
  region_code       text,
  -- the registered vehicle's company, informed as the victim of a cloned plate
  victim_company_id text,
  priority          text NOT NULL DEFAULT 'normal' CHECK (priority IN ('normal', 'high')),
  evidence          jsonb NOT NULL DEFAULT '{}',
  status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'referred', 'dismissed')),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX targeting_alerts_kind_idx ON targeting_alerts (kind, occurred_at DESC);
CREATE INDEX targeting_alerts_vehicle_idx ON targeting_alerts (vehicle_id, occurred_at DESC);
