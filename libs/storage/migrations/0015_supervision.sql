-- Supervision (RULES.md §9–§10, §15): the tables that more than one part of supervision reads.
-- Each has one writer (test/one-writer-per-table.spec.ts); the others read them. The parts add
-- their own tables (delivery attempts, routing, 查岗 questions, score settings, …) in later
-- migrations.

-- The handling workflow of an alert addressed to a company (§9): one row per alert (all its
-- revisions are one alert, §15). Written by supervision's handling part and the API's handling
-- use cases; read by the 处理率 of the scores job. Kept ≥ 3 years (the trigger below).
CREATE TABLE alert_handling (
  alert_id              text PRIMARY KEY,
  vehicle_id            text NOT NULL,
  company_id            text NOT NULL,
  region_code           text,
  rule                  text NOT NULL,
  -- the alert's severity at first notification: it sets the deadline, a later revision never shortens it
  severity              text NOT NULL,
  -- pre-warnings are delivered but never due (§15)
  due                   boolean NOT NULL,
  state                 text NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'notified', 'viewed', 'handled')),
  alert_started_at      timestamptz NOT NULL,
  first_notified_at     timestamptz,
  -- first_notified_at + the severity's window; after a rejected timely appeal, the fresh window's end
  deadline_at           timestamptz,
  viewed_at             timestamptz,
  viewed_by             text,
  handled_at            timestamptz,
  handled_by            text,
  measure               text CHECK (measure IN ('tts_reminder', 'phone_call', 'education', 'internal_penalty', 'false_alarm')),
  handling_comment      text,
  appeal_state          text CHECK (appeal_state IN ('pending', 'accepted', 'rejected')),
  appeal_filed_at       timestamptz,
  appeal_filed_by       text,
  appeal_reason         text,
  appeal_decided_at     timestamptz,
  appeal_decided_by     text,
  appeal_decision_comment text,
  -- retracted by back-fill or re-judging: never due, counts nowhere (§15)
  withdrawn             boolean NOT NULL DEFAULT false,
  -- when the overdue item reached the monitoring centre's on-duty board
  escalated_at          timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_handling_company_deadline_idx ON alert_handling (company_id, deadline_at);
CREATE INDEX alert_handling_open_deadline_idx ON alert_handling (deadline_at) WHERE handled_at IS NULL AND NOT withdrawn;

-- Every step of an alert's handling, append-only (who, when, what): the record kept ≥ 3 years.
CREATE TABLE alert_handling_events (
  event_id     bigserial PRIMARY KEY,
  alert_id     text NOT NULL,
  company_id   text NOT NULL,
  at           timestamptz NOT NULL,
  actor        text NOT NULL,
  action       text NOT NULL,
  details      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX alert_handling_events_alert_idx ON alert_handling_events (alert_id, at);

-- 查岗 (§9): one row per company addressed by an inspection question. Written by the API's 查岗
-- use cases; read by the scores job (查岗响应率: answered in time ÷ sent, counted in the month the
-- window ends, §15).
CREATE TABLE inspection_recipients (
  inspection_id  text NOT NULL,
  company_id     text NOT NULL,
  region_code    text,
  sent_at        timestamptz NOT NULL,
  -- inclusive: an answer at window_ends_at is in time
  window_ends_at timestamptz NOT NULL,
  answered_at    timestamptz,
  answered_by    text,
  answer         text,
  PRIMARY KEY (inspection_id, company_id)
);
CREATE INDEX inspection_recipients_company_window_idx ON inspection_recipients (company_id, window_ends_at);

-- The 运政 system's list of operating vehicles (营运车辆), imported per month (CSV/XLSX): the
-- denominator of 入网率 and "while operating" of the 重点监管 list (§15: month-end list). Written
-- by the API's import use case; read by the scores and 重点监管 jobs.
CREATE TABLE operating_vehicles (
  list_month     date NOT NULL,          -- first day of the month the list stands for
  plate          text NOT NULL,
  plate_colour   smallint NOT NULL,
  company_id     text,
  region_code    text,
  vehicle_class  text,
  -- 报停 (suspended): on the list but not operating
  suspended      boolean NOT NULL DEFAULT false,
  imported_at    timestamptz NOT NULL DEFAULT now(),
  imported_by    text,
  PRIMARY KEY (list_month, plate, plate_colour)
);

-- 考核 scores (§10, §15) per company and per authority platform (region), per period: the
-- calendar month, or the rolling 7 days ending at period_end. `indicators` holds every
-- indicator with its numerator, denominator, rate, score and whether it was assessed, so the
-- score shows how it was computed. Written by supervision's scores job; read by the 重点监管
-- job, the reports and the 通报.
CREATE TABLE assessment_scores (
  subject_kind      text NOT NULL CHECK (subject_kind IN ('company', 'platform')),
  -- company id, or the region code of an authority platform
  subject_id        text NOT NULL,
  region_code       text,
  period_kind       text NOT NULL CHECK (period_kind IN ('month', 'rolling_7d')),
  period_start      timestamptz NOT NULL,
  period_end        timestamptz NOT NULL,
  assessed          boolean NOT NULL,
  -- out of 100, rounded half up to 2 decimals; null when not assessed
  total_score       numeric(5, 2),
  -- any indicator scored 0 (a 重点监管 company trigger)
  any_indicator_zero boolean NOT NULL DEFAULT false,
  -- 处理率 (§9): listed, never scored; null when nothing was due
  handling_rate_pct numeric(5, 2),
  indicators        jsonb NOT NULL DEFAULT '[]',
  computed_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subject_kind, subject_id, period_kind, period_start)
);

-- The 重点监管 list (§10, §15): one row per listing of a vehicle or company, from listing to
-- exit; a new listing after an exit is a new row, so the history stays. Written by
-- supervision's 重点监管 job and the API's release use case; read by the map, alerts, reports.
CREATE TABLE key_supervision_entries (
  entry_id        text PRIMARY KEY,
  subject_kind    text NOT NULL CHECK (subject_kind IN ('vehicle', 'company')),
  subject_id      text NOT NULL,
  company_id      text,
  region_code     text,
  listed_at       timestamptz NOT NULL,
  -- every reason with its evidence links: [{ code, at, detail, evidence: [{ kind, id }] }]
  reasons         jsonb NOT NULL DEFAULT '[]',
  last_trigger_at timestamptz NOT NULL,
  exited_at       timestamptz,
  exit_kind       text CHECK (exit_kind IN ('quiet_30d', 'released')),
  released_by     text,
  release_comment text,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX key_supervision_one_open_idx ON key_supervision_entries (subject_kind, subject_id) WHERE exited_at IS NULL;
CREATE INDEX key_supervision_region_idx ON key_supervision_entries (region_code) WHERE exited_at IS NULL;

-- Handling records are kept ≥ 3 years (办法 2022, RULES §9): deleting a younger row is refused.
CREATE FUNCTION supervision_refuse_young_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.created_at > now() - interval '3 years' THEN
    RAISE EXCEPTION 'handling records are kept for 3 years (RULES §9): % is younger', TG_TABLE_NAME;
  END IF;
  RETURN OLD;
END $$;
CREATE TRIGGER alert_handling_retention BEFORE DELETE ON alert_handling FOR EACH ROW EXECUTE FUNCTION supervision_refuse_young_delete();
CREATE FUNCTION supervision_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'handling records are kept for 3 years (RULES §9): % cannot be truncated', TG_TABLE_NAME;
END $$;
CREATE TRIGGER alert_handling_no_truncate BEFORE TRUNCATE ON alert_handling FOR EACH STATEMENT EXECUTE FUNCTION supervision_refuse_truncate();
ALTER TABLE alert_handling_events ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
CREATE TRIGGER alert_handling_events_retention BEFORE DELETE ON alert_handling_events FOR EACH ROW EXECUTE FUNCTION supervision_refuse_young_delete();
CREATE TRIGGER alert_handling_events_no_truncate BEFORE TRUNCATE ON alert_handling_events FOR EACH STATEMENT EXECUTE FUNCTION supervision_refuse_truncate();
