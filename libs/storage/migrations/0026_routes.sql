-- Routes and areas (RULES.md §11, §15 "Routes and areas"): the shared schema of issue #16 —
-- approved routes of four kinds bound to vehicles, operator-approved detours, and area bans.
-- The parts that build on them (off-route episodes and 班线 stops, 大件 permit checks, area-ban
-- episodes, the terminal downlink) add their own migrations. One writer per table
-- (test/one-writer-per-table.spec.ts): the API's use cases administer all three tables.

-- An approved route: a 班线 (线路牌: polyline and ordered stops), a 包车 trip (declared start, end,
-- route), a hazmat e-waybill's route (电子运单) or a 大件运输 permit (route, validity dates, allowed
-- hours, declared gross/axles/dimensions). Geometry is WGS-84 [lon, lat], as positions are stored.
CREATE TABLE approved_routes (
  route_id          text PRIMARY KEY,
  kind              text NOT NULL CHECK (kind IN ('scheduled_line', 'charter', 'hazmat_waybill', 'oversize_permit')),
  name              text NOT NULL,
  -- 线路牌号 / 包车牌号 / 电子运单号 / 大件运输许可证号
  reference_no      text,
  company_id        text REFERENCES companies (company_id),
  region_code       text,
  -- [[lon, lat], …], ≥ 2 points
  polyline          jsonb NOT NULL,
  -- The corridor is the polyline ± this width (§11: default 200 m, ≤ 255 m so it fits JT/T 808 0x8606).
  corridor_width_m  integer NOT NULL DEFAULT 200 CHECK (corridor_width_m BETWEEN 1 AND 255),
  -- Depots where leaving the corridor is no episode: [{ "lon", "lat", "radiusM" } | { "polygon": [[lon, lat], …] }];
  -- empty → a circle of 500 m (default) around each end of the polyline (§15).
  depots            jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- 班线 stops in order: [{ "name", "lon", "lat", "radiusM"? (default 100 m) }]; empty for other kinds.
  stops             jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- Local (Asia/Shanghai) dates the route is active, inclusive; null = open-ended.
  valid_from        date,
  valid_to          date,
  -- 大件 allowed hours, local: [{ "from": "HH:MM", "to": "HH:MM" }] (to < from wraps midnight); null = any hour.
  allowed_hours     jsonb,
  -- 大件 declared figures: { "grossKg", "axles", "lengthMm", "widthMm", "heightMm" } (each optional); null otherwise.
  declared          jsonb,
  -- manual | geojson | kml | waybill …: where the geometry came from.
  source            text NOT NULL DEFAULT 'manual',
  created_by        text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  -- A retired route is kept (evidence of past episodes) and no longer active.
  retired_at        timestamptz,
  CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from)
);
CREATE INDEX approved_routes_company_idx ON approved_routes (company_id);
CREATE INDEX approved_routes_region_idx ON approved_routes (region_code);

-- The vehicles a route is bound to (a 班线 serves several coaches; a permit names its vehicle).
CREATE TABLE route_vehicles (
  route_id    text NOT NULL REFERENCES approved_routes (route_id) ON DELETE CASCADE,
  vehicle_id  text NOT NULL REFERENCES vehicles (vehicle_id),
  PRIMARY KEY (route_id, vehicle_id)
);
CREATE INDEX route_vehicles_vehicle_idx ON route_vehicles (vehicle_id);

-- An operator-approved detour (road works, closure): reports in [from_at, to_at) — and inside the
-- polygon when one is given — count as inside the route's corridor (§15). Vehicle null = every
-- vehicle bound to the route.
CREATE TABLE route_detours (
  detour_id    text PRIMARY KEY,
  route_id     text NOT NULL REFERENCES approved_routes (route_id) ON DELETE CASCADE,
  vehicle_id   text REFERENCES vehicles (vehicle_id),
  from_at      timestamptz NOT NULL,
  to_at        timestamptz NOT NULL,
  polygon      jsonb,
  comment      text NOT NULL,
  approved_by  text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  CHECK (to_at > from_at)
);
CREATE INDEX route_detours_route_idx ON route_detours (route_id, from_at);

-- An area ban (e.g. a provincial hazmat ban): a polygon, the vehicle classes it binds, and time
-- windows [from, to) local; replaces windows that were configuration only.
CREATE TABLE area_bans (
  ban_id          text PRIMARY KEY,
  name            text NOT NULL,
  region_code     text,
  -- [[lon, lat], …] ring (edge = outside, §15)
  polygon         jsonb NOT NULL,
  -- vehicles.vehicle_class values the ban binds (e.g. {hazmat})
  vehicle_classes text[] NOT NULL,
  -- [{ "from": "HH:MM", "to": "HH:MM", "days"?: [1..7] (ISO weekday, local) }] — to < from wraps midnight
  windows         jsonb NOT NULL,
  valid_from      date,
  valid_to        date,
  -- the road classes it binds, when the ban names them (e.g. {expressway}); null = every road
  road_classes    text[],
  created_by      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  retired_at      timestamptz
);
CREATE INDEX area_bans_region_idx ON area_bans (region_code);
