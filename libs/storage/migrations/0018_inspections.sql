-- 查岗 (RULES.md §9, §15): the question an operator or admin sent, whom it addressed and for how
-- long. One `inspection_recipients` row (0015) per company addressed carries the window's end and
-- the answer. Written by the API's 查岗 use cases (send, answer).
CREATE TABLE inspections (
  inspection_id   text PRIMARY KEY,
  question        text NOT NULL CHECK (length(question) BETWEEN 1 AND 500),
  sent_by         text NOT NULL,
  sent_at         timestamptz NOT NULL,
  -- the answer window: sent_at + window_seconds is each recipient's window_ends_at (inclusive)
  -- at most a day (the contract allows 1–1440 min): the open ones lie in the newest day of sent_at
  window_seconds  integer NOT NULL CHECK (window_seconds BETWEEN 1 AND 86400),
  -- how the sender chose the companies: named ones, or every company in the sender's scope
  addressing      text NOT NULL CHECK (addressing IN ('companies', 'all')),
  -- the sender's region prefix when it sent (NULL: unrestricted), so "all in scope" stays readable later
  sender_region_prefix text,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inspections_sent_at_idx ON inspections (sent_at DESC);
