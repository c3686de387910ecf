-- Time series: positions, WIM records, alerts. One column list for both modes; lines
-- between `-- @timescaledb` / `-- @plain` and `-- @end` are kept only in that mode.
-- Unique keys include the time column: both hypertables and native partitions need it.

CREATE TABLE positions (
  vehicle_id         text NOT NULL,
  device_time        timestamptz NOT NULL,
  terminal_id        text NOT NULL,
  plate              text,
  plate_colour       smallint,
  registered         boolean NOT NULL,
  driver_id          text,
  latitude_deg       double precision NOT NULL,
  longitude_deg      double precision NOT NULL,
  altitude_m         real NOT NULL DEFAULT 0,
  speed_kmh          real NOT NULL,
  heading_deg        real NOT NULL,
  alarm_flags        bigint NOT NULL DEFAULT 0,  -- DWORD bits, kept as evidence
  status_flags       bigint NOT NULL DEFAULT 0,
  acc_on             boolean NOT NULL,
  gnss_fixed         boolean NOT NULL,
  mileage_km         double precision,
  recorder_speed_kmh real,
  satellites         smallint,
  source             text NOT NULL CHECK (source IN ('realtime', 'batch', 'blind-area')),
  received_at        timestamptz NOT NULL,
  -- Natural key: a re-delivered report never makes a second row. Its index is also the
  -- per-vehicle time index that track and latest-position queries use.
  PRIMARY KEY (vehicle_id, device_time)
)
-- @plain
PARTITION BY RANGE (device_time)
-- @end
;

CREATE TABLE wim_measurements (
  measurement_id     text NOT NULL,             -- stationId/stationRecordId
  measured_at        timestamptz NOT NULL,
  station_id         text NOT NULL,
  station_record_id  text NOT NULL,
  lane               smallint NOT NULL,
  direction          text NOT NULL,
  plate              text NOT NULL,
  plate_colour       smallint NOT NULL,
  vehicle_type       text,
  axle_count         smallint NOT NULL,
  axle_weights_kg    double precision[] NOT NULL,
  axle_spacings_mm   double precision[] NOT NULL DEFAULT '{}',
  gross_kg           double precision NOT NULL,
  speed_kmh          double precision NOT NULL,
  height_m           double precision,
  width_m            double precision,
  length_m           double precision,
  image_refs         text[] NOT NULL DEFAULT '{}',
  calibration_ref    text,
  accuracy_class_pct double precision,
  received_at        timestamptz NOT NULL,
  PRIMARY KEY (measurement_id, measured_at)
)
-- @plain
PARTITION BY RANGE (measured_at)
-- @end
;
CREATE INDEX wim_measurements_plate_idx ON wim_measurements (plate, measured_at DESC);

-- An alert is one row per alert id; a later revision replaces the row (the repository's
-- upsert guards with `WHERE alerts.revision < EXCLUDED.revision`). started_at is part of
-- the key because it is the partitioning column; detectors keep it stable per alert id.
CREATE TABLE alerts (
  alert_id      text NOT NULL,
  started_at    timestamptz NOT NULL,
  revision      integer NOT NULL,
  vehicle_id    text NOT NULL,
  plate         text,
  company_id    text,
  region_code   text,
  driver_id     text,
  rule          text NOT NULL,
  level         text NOT NULL,
  severity      text NOT NULL,
  ended_at      timestamptz,
  raised_at     timestamptz NOT NULL,
  points        integer,
  fine_yuan     double precision,
  summary       text NOT NULL,
  details       jsonb NOT NULL DEFAULT '{}',
  evidence      jsonb NOT NULL DEFAULT '{}',
  latitude_deg  double precision,
  longitude_deg double precision,
  stored_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (alert_id, started_at)
)
-- @plain
PARTITION BY RANGE (started_at)
-- @end
;
CREATE INDEX alerts_vehicle_idx ON alerts (vehicle_id, started_at DESC);
CREATE INDEX alerts_company_idx ON alerts (company_id, started_at DESC);
CREATE INDEX alerts_rule_idx ON alerts (rule, severity, started_at DESC);

-- @timescaledb
SELECT create_hypertable('positions', by_range('device_time', INTERVAL '1 day'));
SELECT create_hypertable('wim_measurements', by_range('measured_at', INTERVAL '7 days'));
SELECT create_hypertable('alerts', by_range('started_at', INTERVAL '7 days'));
ALTER TABLE positions SET (timescaledb.compress, timescaledb.compress_segmentby = 'vehicle_id', timescaledb.compress_orderby = 'device_time DESC');
ALTER TABLE wim_measurements SET (timescaledb.compress, timescaledb.compress_segmentby = 'station_id', timescaledb.compress_orderby = 'measured_at DESC, measurement_id');
ALTER TABLE alerts SET (timescaledb.compress, timescaledb.compress_segmentby = 'vehicle_id', timescaledb.compress_orderby = 'started_at DESC, alert_id');
-- @end

-- @plain
-- Hand-written partition upkeep, used when pg_partman is not installed. Partitions are
-- named <parent>_pYYYYMMDD and cover [start, start + step).
CREATE FUNCTION rw_ensure_partitions(parent regclass, step interval, premake integer)
RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
  parent_name text := (SELECT relname FROM pg_class WHERE oid = parent);
  parent_schema text := (SELECT nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = parent);
  origin timestamptz := TIMESTAMPTZ '2000-01-03 00:00:00+08'; -- a Monday, local midnight
  first_start timestamptz := date_bin(step, now(), origin) - step * premake;
  made integer := 0;
  part_start timestamptz;
  part_name text;
BEGIN
  EXECUTE format('CREATE TABLE IF NOT EXISTS %I.%I PARTITION OF %s DEFAULT', parent_schema, parent_name || '_default', parent);
  FOR i IN 0 .. premake * 2 LOOP
    part_start := first_start + step * i;
    part_name := parent_name || '_p' || to_char(part_start AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD');
    IF to_regclass(format('%I.%I', parent_schema, part_name)) IS NULL THEN
      BEGIN
        EXECUTE format('CREATE TABLE %I.%I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
                       parent_schema, part_name, parent, part_start, part_start + step);
        made := made + 1;
      EXCEPTION WHEN check_violation THEN
        -- Rows for this range already sit in the default partition; leave them there.
        RAISE NOTICE 'partition % skipped: default partition holds rows in its range', part_name;
      END;
    END IF;
  END LOOP;
  RETURN made;
END
$fn$;

CREATE FUNCTION rw_drop_partitions(parent regclass, retention interval)
RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
  part record;
  upper_bound timestamptz;
  dropped integer := 0;
BEGIN
  FOR part IN
    SELECT c.oid::regclass AS rel, pg_get_expr(c.relpartbound, c.oid) AS bound
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = parent
  LOOP
    CONTINUE WHEN part.bound = 'DEFAULT';
    upper_bound := substring(part.bound FROM 'TO \(''([^'']+)''\)')::timestamptz;
    IF upper_bound <= now() - retention THEN
      EXECUTE format('DROP TABLE %s', part.rel);
      dropped := dropped + 1;
    END IF;
  END LOOP;
  RETURN dropped;
END
$fn$;
-- @end
