-- What a terminal's frames got wrong and the gateway accepted anyway (lenient JT/T 808
-- decoding: a wrong check code, a hex phone, the 2019 bit on a 2013 header, a raw 0x7e or
-- 0x7d, a padding byte), counted per kind since the terminal first sent one, with the last
-- one and when: an administrator sees which terminals need a firmware fix.
ALTER TABLE terminals
  ADD COLUMN frame_anomalies       jsonb NOT NULL DEFAULT '{}'::jsonb,
  ADD COLUMN last_frame_anomaly    text,
  ADD COLUMN last_frame_anomaly_at timestamptz;
