-- Alert history (issue #10 item 6). The alerts row is the latest revision; every revision is
-- also kept here, as the message itself, once per (alert, revision): a redelivery changes
-- nothing. started_at is in the key, as in alerts, because it is the partitioning column, so a
-- revision lives and expires (the alerts' retention, SERIES in settings.ts) with its alert.
CREATE TABLE alert_revisions (
  alert_id    text NOT NULL,
  started_at  timestamptz NOT NULL,
  revision    integer NOT NULL,
  vehicle_id  text NOT NULL,
  raised_at   timestamptz NOT NULL,
  alert       jsonb NOT NULL,           -- the alertV1 message as received
  stored_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (alert_id, started_at, revision)
)
-- @plain
PARTITION BY RANGE (started_at)
-- @end
;

-- @timescaledb
SELECT create_hypertable('alert_revisions', by_range('started_at', INTERVAL '7 days'));
ALTER TABLE alert_revisions SET (timescaledb.compress, timescaledb.compress_segmentby = 'vehicle_id', timescaledb.compress_orderby = 'started_at DESC, alert_id, revision');
-- @end

-- alertV1.firstRaisedAtMs (the earliest raising seen for the alert, kept whatever order its
-- revisions arrive in) and alertV1.limitPassedAtMs. Nullable without a default, like
-- summary_en: alerts stored before have neither, and a compressed hypertable refuses a default.
ALTER TABLE alerts ADD COLUMN first_raised_at timestamptz;
ALTER TABLE alerts ADD COLUMN limit_passed_at timestamptz;
