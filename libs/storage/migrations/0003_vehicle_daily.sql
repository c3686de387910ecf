-- Daily per-vehicle driving figures, bucketed per local (Asia/Shanghai, UTC+8, no DST)
-- day. `day` is the local midnight as timestamptz on both servers.
-- Moving = speed above 5 km/h (RULES.md §2 default); mileage = odometer max − min.

-- @timescaledb
CREATE MATERIALIZED VIEW vehicle_daily
WITH (timescaledb.continuous, timescaledb.materialized_only = true) AS
SELECT vehicle_id,
       time_bucket(INTERVAL '1 day', device_time, 'Asia/Shanghai') AS day,
       count(*) AS reports,
       count(*) FILTER (WHERE speed_kmh > 5) AS moving_reports,
       max(speed_kmh) AS max_speed_kmh,
       avg(speed_kmh) AS avg_speed_kmh,
       min(mileage_km) AS mileage_min_km,
       max(mileage_km) AS mileage_max_km,
       max(mileage_km) - min(mileage_km) AS mileage_km,
       min(device_time) AS first_report_at,
       max(device_time) AS last_report_at
FROM positions
GROUP BY vehicle_id, time_bucket(INTERVAL '1 day', device_time, 'Asia/Shanghai')
WITH NO DATA;
-- @end

-- @plain
-- Plain PostgreSQL: a rollup table of the same name and columns, refreshed over a window
-- by rw_refresh_vehicle_daily (runMaintenance). A table rather than a materialized view
-- so that, like a continuous aggregate, days survive the raw partitions' retention.
CREATE TABLE vehicle_daily (
  vehicle_id      text NOT NULL,
  day             timestamptz NOT NULL,
  reports         bigint NOT NULL,
  moving_reports  bigint NOT NULL,
  max_speed_kmh   real,
  avg_speed_kmh   double precision,
  mileage_min_km  double precision,
  mileage_max_km  double precision,
  mileage_km      double precision,
  first_report_at timestamptz NOT NULL,
  last_report_at  timestamptz NOT NULL,
  PRIMARY KEY (vehicle_id, day)
);
CREATE INDEX vehicle_daily_day_idx ON vehicle_daily (day);

-- Recomputes the local days overlapping [from_ts, to_ts); NULL means unbounded.
CREATE FUNCTION rw_refresh_vehicle_daily(from_ts timestamptz, to_ts timestamptz)
RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
  origin constant timestamptz := TIMESTAMPTZ '2000-01-01 00:00:00+08';
  lo timestamptz := CASE WHEN from_ts IS NULL THEN '-infinity' ELSE date_bin(INTERVAL '1 day', from_ts, origin) END;
  hi timestamptz := CASE WHEN to_ts IS NULL THEN 'infinity' ELSE date_bin(INTERVAL '1 day', to_ts, origin) + INTERVAL '1 day' END;
  n integer;
BEGIN
  DELETE FROM vehicle_daily WHERE day >= lo AND day < hi;
  INSERT INTO vehicle_daily
  SELECT vehicle_id,
         date_bin(INTERVAL '1 day', device_time, origin) AS day,
         count(*),
         count(*) FILTER (WHERE speed_kmh > 5),
         max(speed_kmh),
         avg(speed_kmh),
         min(mileage_km),
         max(mileage_km),
         max(mileage_km) - min(mileage_km),
         min(device_time),
         max(device_time)
  FROM positions
  WHERE device_time >= lo AND device_time < hi
  GROUP BY 1, 2;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$fn$;
-- @end
