-- Registry: who the vehicles, terminals, drivers, companies, stations and sites are.
-- Plain tables on both servers. Ids are the domain's string ids (libs/domain).

CREATE TABLE companies (
  company_id      text PRIMARY KEY,
  name            text NOT NULL,
  -- transport company (运输企业), source unit (货运源头单位) or vehicle owner
  kind            text NOT NULL DEFAULT 'transport' CHECK (kind IN ('transport', 'source_unit', 'owner', 'other')),
  region_code     text,
  licence_no      text,               -- 道路运输经营许可证
  contact_phone   text,
  webhook_url     text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE vehicles (
  vehicle_id        text PRIMARY KEY,  -- vehicleIdOf(plate, colour)
  plate             text NOT NULL,
  plate_colour      smallint NOT NULL,
  vehicle_class     text NOT NULL CHECK (vehicle_class IN ('tour_coach', 'long_distance_bus', 'hazmat', 'heavy_truck', 'other')),
  company_id        text REFERENCES companies (company_id),
  region_code       text,
  owner_name        text,
  transport_cert_no text,              -- 道路运输证
  route_km          double precision,  -- 班线里程, long-distance buses
  trip_km           double precision,
  own_cap_kmh       double precision,
  axle_count        smallint,
  is_combination    boolean,
  has_single_drive_axle boolean,
  has_air_suspension    boolean,
  has_single_tyre_non_drive_axles boolean,
  registered_max_gross_kg double precision, -- 行驶证 最大允许总质量
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (plate, plate_colour)
);
CREATE INDEX vehicles_company_idx ON vehicles (company_id);

CREATE TABLE terminals (
  terminal_id     text PRIMARY KEY,    -- JT/T 808 terminal phone / SIM number
  vehicle_id      text REFERENCES vehicles (vehicle_id),
  auth_code       text,                -- issued on 0x8100, checked on 0x0102
  manufacturer_id text,
  model           text,
  registered_at   timestamptz,
  last_auth_at    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX terminals_vehicle_idx ON terminals (vehicle_id);

CREATE TABLE drivers (
  driver_id          text PRIMARY KEY,
  name               text NOT NULL,
  company_id         text REFERENCES companies (company_id),
  id_card_no         text,
  qualification_no   text,             -- 从业资格证
  phone              text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE wim_stations (
  station_id         text PRIMARY KEY,
  name               text NOT NULL,
  kind               text NOT NULL DEFAULT 'fixed' CHECK (kind IN ('fixed', 'non_site', 'source')),
  accuracy_class_pct numeric(4, 1),    -- JJG 907 class: 0.2/0.5/1/2/5/10
  region_code        text,
  road_name          text,
  latitude_deg       double precision,
  longitude_deg      double precision,
  valid_speed_min_kmh double precision,
  valid_speed_max_kmh double precision,
  calibration_ref    text,
  calibrated_at      timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);

-- 货运源头单位 loading sites (一超四罚 fourth party).
CREATE TABLE source_sites (
  source_site_id  text PRIMARY KEY,
  name            text NOT NULL,
  company_id      text REFERENCES companies (company_id),
  region_code     text,
  address         text,
  latitude_deg    double precision,
  longitude_deg   double precision,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Posted limits per road segment. Geometry is a polyline of [lon, lat] pairs plus its
-- bounding box (the embedded build has no PostGIS).
CREATE TABLE road_speed_zones (
  segment_id        text PRIMARY KEY,
  name              text,
  road_class        text NOT NULL CHECK (road_class IN ('expressway', 'urban_expressway', 'national', 'provincial', 'county', 'urban', 'other')),
  posted_limit_kmh  double precision NOT NULL,
  polyline          jsonb NOT NULL DEFAULT '[]',
  min_lat double precision, min_lon double precision, max_lat double precision, max_lon double precision,
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX road_speed_zones_bbox_idx ON road_speed_zones (min_lat, max_lat, min_lon, max_lon);
