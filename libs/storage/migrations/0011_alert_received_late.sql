-- alertV1.receivedLateByMs: the alert was raised from data received late (receipt − device
-- time of the triggering report, when above the detector's threshold), so the live map and the
-- lists show it as back-filled, not as news. Nullable without a default, like summary_en: alerts
-- from live data have none, and a compressed hypertable refuses ADD COLUMN with a default.
ALTER TABLE alerts ADD COLUMN received_late_by_ms bigint;
