-- 大吨小标 (RULES.md §14): one open lead per vehicle. The enforcement part updates the open one
-- with each weighing behind it; only after an officer refers or dismisses it may a new one open.
CREATE UNIQUE INDEX targeting_alerts_one_open_heavy_body ON targeting_alerts (vehicle_id) WHERE kind = 'heavy_body' AND status = 'open';
