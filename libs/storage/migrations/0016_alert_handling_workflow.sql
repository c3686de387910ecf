-- The handling workflow (RULES.md §9, §15) on the shared alert_handling table of 0015: what the
-- company's 待处理 list shows of the alert is kept with the handling record itself, since the
-- record is kept ≥ 3 years and the alerts' own tables may be dropped sooner; the revision last
-- applied makes intake idempotent and order-proof (an older revision arriving late changes
-- nothing).
ALTER TABLE alert_handling
  ADD COLUMN alert_level    text,
  ADD COLUMN alert_severity text,
  ADD COLUMN plate          text,
  ADD COLUMN summary        text,
  ADD COLUMN summary_en     text,
  ADD COLUMN last_revision  integer NOT NULL DEFAULT 0;

-- The monitoring centre's on-duty board: escalated, still open.
CREATE INDEX alert_handling_board_idx ON alert_handling (deadline_at) WHERE escalated_at IS NOT NULL AND handled_at IS NULL;
-- Appeals waiting for an operator's decision.
CREATE INDEX alert_handling_pending_appeals_idx ON alert_handling (appeal_filed_at) WHERE appeal_state = 'pending';
