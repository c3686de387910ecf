-- Routes and areas sent to terminals (JT/T 808 0x8600/0x8604/0x8606, issue #16 item 6) and the
-- terminals' own area/route alarms (0x0200 bits 20–23, items 0x11–0x13) — evidence beside the
-- platform's own episodes, never trusted alone (RULES §11). Writers (test/one-writer-per-table):
-- the API's send use case and its command-result follower write terminal_geofences and
-- terminal_downlinks; the archiver writes terminal_area_alarms.

-- The JT/T 808 id (a DWORD) of each route, area ban or circle the platform sent: one per source,
-- so sending it again replaces it on the terminal, and an alarm's area id names the source.
CREATE TABLE terminal_geofences (
  geofence_id  bigint GENERATED ALWAYS AS IDENTITY (MINVALUE 1 MAXVALUE 4294967295) PRIMARY KEY,
  source_kind  text NOT NULL CHECK (source_kind IN ('route', 'area_ban', 'circle')),
  source_id    text NOT NULL,
  name         text NOT NULL,
  UNIQUE (source_kind, source_id)
);

-- One send to one terminal and its outcome, from `terminal.command-results`.
CREATE TABLE terminal_downlinks (
  command_id    text PRIMARY KEY,
  vehicle_id    text NOT NULL REFERENCES vehicles (vehicle_id),
  terminal_id   text NOT NULL,
  message_id    integer NOT NULL CHECK (message_id IN (34304, 34308, 34310)), -- 0x8600, 0x8604, 0x8606
  geofence_id   bigint NOT NULL REFERENCES terminal_geofences (geofence_id),
  requested_by  text NOT NULL,
  requested_at  timestamptz NOT NULL,
  status        text NOT NULL DEFAULT 'requested'
                CHECK (status IN ('requested', 'sent', 'acknowledged', 'failed', 'unsupported', 'undeliverable')),
  reason        text,
  answered_at   timestamptz
);
CREATE INDEX terminal_downlinks_vehicle_idx ON terminal_downlinks (vehicle_id, requested_at DESC);

-- A terminal's own alarm: one row per report and alarm bit (a redelivered report rewrites nothing).
-- vehicle_id is the terminal's id when it is bound to no vehicle (registered = false).
CREATE TABLE terminal_area_alarms (
  vehicle_id              text NOT NULL,
  device_time             timestamptz NOT NULL,
  kind                    text NOT NULL CHECK (kind IN ('area_in_out', 'route_in_out', 'segment_driving_time', 'route_deviation')),
  terminal_id             text NOT NULL,
  registered              boolean NOT NULL,
  received_at             timestamptz NOT NULL,
  alarm_flags             bigint NOT NULL,
  latitude_deg            double precision NOT NULL,
  longitude_deg           double precision NOT NULL,
  speed_kmh               double precision NOT NULL,
  area_type               text CHECK (area_type IN ('circle', 'rectangle', 'polygon', 'route')),
  area_id                 bigint,
  direction               text CHECK (direction IN ('in', 'out')),
  segment_id              bigint,
  segment_driving_time_s  integer,
  segment_too_long        boolean,
  PRIMARY KEY (vehicle_id, device_time, kind)
);
CREATE INDEX terminal_area_alarms_time_idx ON terminal_area_alarms (device_time DESC);
