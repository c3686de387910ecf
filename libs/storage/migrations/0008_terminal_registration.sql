-- What a terminal declares when it registers (0x0100), beside the binding an administrator
-- made: the gateway keeps auth codes in this table, not in a table of its own, so the
-- registry shows which terminals registered, when they last authenticated, and which
-- plate they claim. A SIM number may arrive with or without leading zeros (2013 BCD[6] vs
-- 2019 BCD[10]); lookups go by the number without them.
ALTER TABLE terminals
  ADD COLUMN declared_plate        text,
  ADD COLUMN declared_plate_colour smallint,
  ADD COLUMN device_id             text,
  ADD COLUMN province_id           integer,
  ADD COLUMN city_id               integer;
CREATE INDEX terminals_canonical_idx ON terminals (ltrim(terminal_id, '0'));
