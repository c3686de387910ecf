-- 大吨小标 (RULES.md §14): one open lead per vehicle. The enforcement part updates the open one
-- with each weighing behind it; only after an officer refers or dismisses it may a new one open.
CREATE UNIQUE INDEX targeting_alerts_one_open_heavy_body ON targeting_alerts (vehicle_id) WHERE kind = 'heavy_body' AND status = 'open';

-- An officer's decision on a lead (referred to 公安/工信 with a note, or dismissed with a reason).
ALTER TABLE targeting_alerts
  ADD COLUMN decision_note text,
  ADD COLUMN decided_by    text,
  ADD COLUMN decided_at    timestamptz;
CREATE INDEX targeting_alerts_region_idx ON targeting_alerts (region_code, occurred_at DESC);
