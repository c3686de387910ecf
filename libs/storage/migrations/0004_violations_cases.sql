-- 超限 violations and 一超四罚 cases (超限规定 第32条, 第44条). Plain tables on both servers:
-- they are few and are updated through their lifecycle.

CREATE TABLE overload_violations (
  violation_id       text PRIMARY KEY,
  alert_id           text NOT NULL,
  vehicle_id         text NOT NULL,
  registered         boolean NOT NULL,
  company_id         text,
  measurement_id     text NOT NULL,
  station_id         text NOT NULL,
  plate              text NOT NULL,
  plate_colour       smallint NOT NULL,
  measured_at        timestamptz NOT NULL,
  gross_kg           double precision NOT NULL,
  limit_kg           double precision NOT NULL,
  limit_basis        text NOT NULL,
  max_permissible_error_kg double precision NOT NULL,
  confirmed_gross_kg double precision NOT NULL,
  excess_kg          double precision NOT NULL,
  overload_ratio     double precision NOT NULL,
  raw_ratio          double precision NOT NULL,
  is_bai_dun_wang    boolean NOT NULL,
  over_weight        boolean NOT NULL,
  over_dimensions    text[] NOT NULL DEFAULT '{}',
  severity           text NOT NULL,
  decided_at         timestamptz NOT NULL,
  measurement        jsonb NOT NULL,           -- the WIM record as decided on (evidence)
  stored_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX overload_violations_vehicle_idx ON overload_violations (vehicle_id, measured_at DESC);
CREATE INDEX overload_violations_company_idx ON overload_violations (company_id, measured_at DESC);

CREATE TABLE cases (
  case_id       text PRIMARY KEY,
  violation_id  text NOT NULL UNIQUE REFERENCES overload_violations (violation_id),
  vehicle_id    text NOT NULL,
  plate         text,
  company_id    text,
  status        text NOT NULL DEFAULT 'opened' CHECK (status IN ('opened', 'decided', 'reported', 'closed')),
  opened_at     timestamptz NOT NULL,
  decided_at    timestamptz,
  reported_at   timestamptz,               -- 第44条: to the home 运管 office within 7 working days
  closed_at     timestamptz,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_company_idx ON cases (company_id, opened_at DESC);
CREATE INDEX cases_status_idx ON cases (status, opened_at DESC);

-- The four parties: driver, vehicle owner, transport company, source unit.
CREATE TABLE case_parties (
  case_id      text NOT NULL REFERENCES cases (case_id) ON DELETE CASCADE,
  party        text NOT NULL CHECK (party IN ('driver', 'vehicle_owner', 'transport_company', 'source_unit')),
  party_ref    text,                       -- driver id, company id, source site id …
  name         text,
  licence_no   text,                       -- 从业资格证 / 道路运输证 / 经营许可证
  details      jsonb NOT NULL DEFAULT '{}',
  named_at     timestamptz NOT NULL,
  PRIMARY KEY (case_id, party)
);

CREATE TABLE case_penalties (
  case_id      text NOT NULL REFERENCES cases (case_id) ON DELETE CASCADE,
  party        text NOT NULL CHECK (party IN ('driver', 'vehicle_owner', 'transport_company', 'source_unit')),
  status       text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'decided')),
  fine_yuan    double precision,
  points       integer,
  warning      boolean NOT NULL DEFAULT false,
  measures     text[] NOT NULL DEFAULT '{}',  -- e.g. 停业整顿, 吊销从业资格证
  basis        text,
  proposed_at  timestamptz NOT NULL,
  decided_at   timestamptz,
  PRIMARY KEY (case_id, party)
);

-- Append-only audit log: every CaseEventV1 once (event id is its natural key).
CREATE TABLE case_events (
  event_id      text PRIMARY KEY,
  case_id       text NOT NULL,
  type          text NOT NULL,
  violation_id  text NOT NULL,
  party         text,
  occurred_at   timestamptz NOT NULL,
  details       jsonb NOT NULL DEFAULT '{}',
  recorded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_events_case_idx ON case_events (case_id, occurred_at);
