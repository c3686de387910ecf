-- 接驳运输 relay registrations (RULES.md §3): a long-distance passenger vehicle that runs
-- between 02:00 and 05:00 as a relay — a vehicle, the driver handing over and the one taking
-- over, and the relay point — is exempt from the 02:00–05:00 rule for that night. One per
-- vehicle and night; night_date is the local (GMT+8) date of the night's 02:00, the date the
-- rule files the night under. The drivers are registry ids or names as the company gives
-- them (a relay driver need not be in the registry yet), so they are text, not references.
-- company_id is the vehicle's company when registered (who answers for it); scoping goes by
-- the vehicle's owner now, like every other record of a vehicle.
CREATE TABLE relay_registrations (
  relay_id            text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  vehicle_id          text NOT NULL REFERENCES vehicles (vehicle_id),
  night_date          date NOT NULL,
  relay_point         text NOT NULL,
  latitude_deg        double precision,
  longitude_deg       double precision,
  handing_over_driver text NOT NULL,
  taking_over_driver  text NOT NULL,
  registered_by       text NOT NULL,
  company_id          text REFERENCES companies (company_id),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (vehicle_id, night_date)
);
-- The detector reads the nights from yesterday on.
CREATE INDEX relay_registrations_night_idx ON relay_registrations (night_date);
