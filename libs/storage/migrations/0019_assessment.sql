-- 考核 (RULES.md §10, §15): a region's override of the 2016 table (DEFAULT_ASSESSMENT_CONFIG of
-- libs/rules, patched key by key), administered by the admin through the API. Written by the
-- API's settings use case; read by supervision's scores job.
CREATE TABLE assessment_settings (
  region_code  text PRIMARY KEY,
  config_patch jsonb NOT NULL,
  updated_by   text NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- The scores job reads each month's 运政 list by company and joins it to the registry by plate.
CREATE INDEX operating_vehicles_company_idx ON operating_vehicles (list_month, company_id);
-- The ranking reads one period's companies by score.
CREATE INDEX assessment_scores_period_idx ON assessment_scores (period_kind, period_start, subject_kind);

-- A month's recomputation asked for by the admin (after an appeal decision, a late import): the
-- scores job recomputes a month whose request is newer than its scores. Written by the API only;
-- the job compares times and writes nothing here.
CREATE TABLE assessment_recompute_requests (
  list_month   date PRIMARY KEY,           -- first day of the local month
  requested_by text NOT NULL,
  requested_at timestamptz NOT NULL
);
