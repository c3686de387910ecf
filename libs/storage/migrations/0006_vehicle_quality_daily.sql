-- A vehicle's data-quality counters per local (Asia/Shanghai) day, from the detector's
-- `quality.daily` messages (RULES.md §6: 数据合格率, 漂移率, 轨迹完整率). One row per vehicle
-- per day: small, so a plain table on both servers (no hypertable, no partitions). The
-- columns are the contract's qualityCounterFields. `final` is set once a later day's report
-- closed the day; until then the row holds the latest snapshot of the open day.
CREATE TABLE vehicle_quality_daily (
  vehicle_id         text NOT NULL,
  day                date NOT NULL,
  received           integer NOT NULL,
  valid              integer NOT NULL,
  invalid            integer NOT NULL,
  drift              integer NOT NULL,
  duplicate          integer NOT NULL,
  late               integer NOT NULL,
  track_m            double precision NOT NULL,
  complete_track_m   double precision NOT NULL,
  incomplete_gaps    integer NOT NULL,
  moved_through_gaps integer NOT NULL,
  final              boolean NOT NULL,
  computed_at        timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (vehicle_id, day)
);
-- Reports read a company's vehicles over a range of days.
CREATE INDEX vehicle_quality_daily_day_idx ON vehicle_quality_daily (day);
