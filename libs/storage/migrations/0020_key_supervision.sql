-- The 重点监管 list (RULES.md §10, §15) on migration 0015's key_supervision_entries: the reads
-- its API and job make besides the one open entry per subject (0015's unique index).
-- A company's entries and its vehicles' entries, newest first (company users, per-company history).
CREATE INDEX key_supervision_company_listed_idx ON key_supervision_entries (company_id, listed_at DESC);
-- One subject's history, newest first (per vehicle / per company), and the last release the job honours.
CREATE INDEX key_supervision_subject_listed_idx ON key_supervision_entries (subject_kind, subject_id, listed_at DESC);
