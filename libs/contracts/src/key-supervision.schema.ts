import { z } from 'zod';
import { epochMs, severity } from './common.schema';
import { freeText, safeString } from './safe-string';

/**
 * The 重点监管 list over HTTP (`/v1/key-supervision/…`, RULES.md §10, §15): entries with their
 * reasons and evidence, an officer's release with a comment, the listed vehicles for the live
 * map. A company user sees its own entries and its vehicles' only.
 */

export const keySupervisionReasonCode = z.enum([
  'serious_speeding',
  'repeated_speeding',
  'fatigue',
  'low_track_completeness',
  'offline',
  'tampering',
  'company_indicator_zero',
  'company_handling_rate',
  'company_total_score',
  'company_listed_share',
]);
export type KeySupervisionReasonCode = z.infer<typeof keySupervisionReasonCode>;

/** What a reason points at: `alert` → `/v1/alerts/:id`; `quality_day` → `<vehicleId>/<YYYY-MM-DD>`; `vehicle` → a listed vehicle; `assessment` → a month's score. */
export const keySupervisionEvidenceKind = z.enum(['alert', 'quality_day', 'tampering_episode', 'assessment', 'vehicle']);

export const keySupervisionEvidence = z.object({ kind: keySupervisionEvidenceKind, id: safeString() });

export const keySupervisionReason = z.object({
  code: keySupervisionReasonCode,
  key: safeString(),
  /** When the trigger first held. */
  atMs: epochMs,
  /** Its figures: points, rate %, days, share %… */
  detail: z.record(safeString(), z.union([z.number(), safeString()])),
  evidence: z.array(keySupervisionEvidence),
});
export type KeySupervisionReasonItem = z.infer<typeof keySupervisionReason>;

export const keySupervisionEntryItem = z.object({
  entryId: safeString(),
  subjectKind: z.enum(['vehicle', 'company']),
  /** The vehicle id or company id. */
  subjectId: safeString(),
  /** The plate (vehicle) or the company's name, as the registry has it now. */
  subjectName: safeString().optional(),
  companyId: safeString().optional(),
  regionCode: safeString().optional(),
  listedAtMs: epochMs,
  lastTriggerAtMs: epochMs,
  /** When an open entry leaves by itself if nothing new happens: the last trigger + 30 d. */
  exitDueAtMs: epochMs.optional(),
  exitedAtMs: epochMs.optional(),
  exitKind: z.enum(['quiet_30d', 'released']).optional(),
  releasedBy: safeString().optional(),
  releaseComment: safeString().optional(),
  reasons: z.array(keySupervisionReason),
});
export type KeySupervisionEntryItem = z.infer<typeof keySupervisionEntryItem>;

/** `GET /v1/key-supervision/entries`: `current` (default) the open entries, `history` the exited ones, `all` both; newest listing first. */
export const keySupervisionListQuery = z.object({
  state: z.enum(['current', 'history', 'all']).default('current'),
  subjectKind: z.enum(['vehicle', 'company']).optional(),
  vehicleId: safeString().min(1).max(64).optional(),
  companyId: safeString().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type KeySupervisionListQuery = z.infer<typeof keySupervisionListQuery>;

/** `POST /v1/key-supervision/entries/:entryId/release`: an officer's release, with why. */
export const keySupervisionReleaseRequest = z.object({
  comment: freeText()
    .min(1)
    .max(2000)
    .refine((s) => s.trim().length > 0, 'a release needs a comment'),
});
export type KeySupervisionReleaseRequest = z.infer<typeof keySupervisionReleaseRequest>;

/** One evidence link resolved in the caller's scope: the alert, or the vehicle-day's quality counters. */
export const keySupervisionEvidenceItem = z.object({
  kind: keySupervisionEvidenceKind,
  id: safeString(),
  /** False when the record is gone (expired) or outside the caller's scope. */
  found: z.boolean(),
  alert: z
    .object({
      alertId: safeString(),
      rule: safeString(),
      severity,
      startedAtMs: epochMs,
      limitPassedAtMs: epochMs.optional(),
      points: z.number().int().optional(),
      summary: safeString(),
      summaryEn: safeString().optional(),
    })
    .optional(),
  day: z
    .object({ day: safeString(), trackM: z.number(), completeTrackM: z.number(), received: z.number().int(), valid: z.number().int(), final: z.boolean() })
    .optional(),
});
export const keySupervisionEvidenceResponse = z.object({ entryId: safeString(), items: z.array(keySupervisionEvidenceItem) });
export type KeySupervisionEvidenceResponse = z.infer<typeof keySupervisionEvidenceResponse>;

/** `GET /v1/key-supervision/vehicles`: the vehicles listed now in the caller's scope (the live map rings them). */
export const keySupervisionListedVehicles = z.object({ vehicleIds: z.array(safeString()), asOfMs: epochMs });
export type KeySupervisionListedVehicles = z.infer<typeof keySupervisionListedVehicles>;
