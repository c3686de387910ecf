-- Acknowledgements of alerts by monitoring-centre and company users: one row per
-- acknowledgement (history); the newest is the alert's current one. Created by the API
-- itself before this migration existed, hence IF NOT EXISTS.
CREATE TABLE IF NOT EXISTS alert_acks (
  alert_id    text NOT NULL,
  acked_at    timestamptz NOT NULL DEFAULT now(),
  by_username text NOT NULL,
  comment     text NOT NULL,
  PRIMARY KEY (alert_id, acked_at)
);
