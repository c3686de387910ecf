import { z } from 'zod';
import { epochMs, plateColour } from './common.schema';
import { freeText, safeJsonObject, safeString } from './safe-string';

/**
 * 布控线索 over HTTP (`/v1/targeting/…`, RULES.md §13–§14): the leads the enforcement analyses
 * found — 套牌, evasion, 大吨小标, entrance refusals, 未过磅出场 — with their evidence, and an
 * officer's decision: referred (公安/工信, with a note) or dismissed (with a reason). Leads,
 * never penalties; companies never read them.
 */

export const targetingKind = z.enum([
  'cloned_plate',
  'evasion_missed_scale',
  'evasion_detour',
  'entrance_refusal',
  'unweighed_exit',
  'heavy_body',
  'exit_over_limit',
]);
export type TargetingKind = z.infer<typeof targetingKind>;

export const targetingStatus = z.enum(['open', 'referred', 'dismissed']);
export type TargetingStatus = z.infer<typeof targetingStatus>;

export const targetingItem = z.object({
  targetingId: safeString(),
  kind: targetingKind,
  plate: safeString(),
  plateColour,
  vehicleId: safeString().optional(),
  stationId: safeString().optional(),
  measurementId: safeString().optional(),
  occurredAtMs: epochMs,
  regionCode: safeString().optional(),
  victimCompanyId: safeString().optional(),
  priority: z.enum(['normal', 'high']),
  status: targetingStatus,
  /** What the analysis found: the station, the conflicting fixes, the pass, the weighings behind a suspicion. */
  evidence: safeJsonObject(),
  decisionNote: safeString().optional(),
  decidedBy: safeString().optional(),
  decidedAtMs: epochMs.optional(),
  createdAtMs: epochMs,
  updatedAtMs: epochMs,
});
export type TargetingItem = z.infer<typeof targetingItem>;

/** `GET /v1/targeting`: newest first; period on the time the lead happened. */
export const targetingListQuery = z.object({
  kind: targetingKind.optional(),
  status: targetingStatus.optional(),
  fromMs: z.coerce.number().int().nonnegative().optional(),
  toMs: z.coerce.number().int().nonnegative().optional(),
  plate: safeString().min(1).max(16).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type TargetingListQuery = z.infer<typeof targetingListQuery>;

/** `POST /v1/targeting/:targetingId/decision`: refer (公安/工信 referral, with a note) or dismiss (with a reason) an open lead. */
export const targetingDecisionRequest = z.object({
  status: z.enum(['referred', 'dismissed']),
  note: freeText()
    .min(1)
    .max(2000)
    .refine((s) => s.trim().length > 0, 'a decision needs a note'),
});
export type TargetingDecisionRequest = z.infer<typeof targetingDecisionRequest>;
