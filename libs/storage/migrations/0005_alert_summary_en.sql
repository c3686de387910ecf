-- Alert summaries are Chinese-first: `summary` is the Chinese text shown by default,
-- `summary_en` its English (alertV1.summaryEn). Nullable and without a default: alerts
-- stored before this migration have no English text, and a compressed TimescaleDB
-- hypertable refuses ADD COLUMN with a default. ALTER on the parent reaches every chunk
-- (TimescaleDB) and every partition (plain PostgreSQL), so one statement serves both modes.
ALTER TABLE alerts ADD COLUMN summary_en text;
