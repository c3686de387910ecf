-- Region-wide area bans (issue #16 item 4; RULES.md §3, §11): a ban without a polygon binds
-- the vehicles registered in its region (region_code, a 行政区划代码 prefix) wherever they drive.
-- They replace the configuration-only time-window bans (RULES_CONFIG_FILE
-- nightBan.timeWindowBans, which bound a region's registered vehicles by road class): the
-- platform has no region boundaries to draw such a ban as a polygon.
ALTER TABLE area_bans ALTER COLUMN polygon DROP NOT NULL;
ALTER TABLE area_bans ADD CONSTRAINT area_bans_polygon_or_region CHECK (polygon IS NOT NULL OR region_code IS NOT NULL);
