import { z } from 'zod';
import { epochMs, queryEpochMs } from './common.schema';
import { safeString } from './safe-string';

/** A reason of the 源头倒查 rule, in both languages (Chinese shown first). */
export const traceReason = z.object({ code: safeString(), zh: safeString(), en: safeString() });

const lonLat = z.tuple([z.number(), z.number()]);

/** A stop the trace read (§13): its span and held dwell, where it was, the sites it is at or near. */
export const traceStop = z.object({
  spanStartMs: epochMs,
  spanEndMs: epochMs,
  heldMs: z.number().nonnegative(),
  latitudeDeg: z.number().optional(),
  longitudeDeg: z.number().optional(),
  sites: z.array(z.object({ siteId: safeString(), relation: z.enum(['at', 'near']) })),
});

/** One case's 源头倒查 (RULES.md §13): grade, proposal or candidates, stops, reasons, the officer's decision. */
export const sourceTraceItem = z.object({
  traceId: safeString(),
  caseId: safeString().optional(),
  vehicleId: safeString().optional(),
  plate: safeString(),
  weighedAtMs: epochMs,
  grade: z.enum(['A', 'B', 'C']),
  method: z.enum(['exit_scale', 'track']),
  status: z.enum(['proposed', 'to_confirm', 'confirmed', 'rejected', 'recorded']),
  sourceSiteId: safeString().optional(),
  sourceCompanyId: safeString().optional(),
  candidateSiteIds: z.array(safeString()),
  unweighedExit: z.boolean(),
  candidateStop: traceStop.nullable(),
  stops: z.array(traceStop),
  possibleLoadingPoints: z.array(traceStop),
  reasons: z.array(traceReason),
  decidedBy: safeString().optional(),
  decidedAtMs: epochMs.optional(),
  decisionComment: safeString().optional(),
});
export type SourceTraceItem = z.infer<typeof sourceTraceItem>;

/** A site the panel draws: its polygon ring of [lon, lat] (WGS-84), else a circle. */
export const traceSiteItem = z.object({
  sourceSiteId: safeString(),
  name: safeString(),
  companyId: safeString().optional(),
  companyName: safeString().optional(),
  geofencePolygon: z.array(lonLat).optional(),
  geofenceRadiusM: z.number().optional(),
  latitudeDeg: z.number().optional(),
  longitudeDeg: z.number().optional(),
});

export const caseSourceTraceResponse = z.object({ trace: sourceTraceItem.nullable(), sites: z.array(traceSiteItem) });
export type CaseSourceTraceResponse = z.infer<typeof caseSourceTraceResponse>;

/** The officer confirms a grade-A proposal or one of a grade-B trace's candidates, or rejects it; always with a comment. */
export const sourceTraceDecisionRequest = z.object({
  decision: z.enum(['confirm', 'reject']),
  siteId: safeString().min(1).max(128).optional(),
  comment: safeString().min(1).max(1_000),
});
export type SourceTraceDecisionRequest = z.infer<typeof sourceTraceDecisionRequest>;

export const sourceTracePeriodQuery = z
  .object({ fromMs: queryEpochMs, toMs: queryEpochMs, limit: z.coerce.number().int().min(1).max(1_000).default(100) })
  .refine((q) => q.toMs > q.fromMs, { message: 'toMs must be after fromMs', path: ['toMs'] })
  .refine((q) => q.toMs - q.fromMs <= 366 * 86_400_000, { message: 'at most 366 days per request', path: ['toMs'] });

export const sourceUnitRankItem = z.object({
  sourceSiteId: safeString(),
  siteName: safeString(),
  companyId: safeString().optional(),
  companyName: safeString().optional(),
  regionCode: safeString().optional(),
  /** Traced overload trips: grade-A proposals and confirmed traces (rejected ones do not count). */
  trips: z.number().int(),
  gradeA: z.number().int(),
  confirmed: z.number().int(),
  lastWeighedAtMs: epochMs,
});
export const sourceUnitRankingResponse = z.object({ fromMs: epochMs, toMs: epochMs, rows: z.array(sourceUnitRankItem) });
export type SourceUnitRankingResponse = z.infer<typeof sourceUnitRankingResponse>;

export const possibleLoadingPointItem = z.object({
  traceId: safeString(),
  caseId: safeString().optional(),
  plate: safeString(),
  weighedAtMs: epochMs,
  latitudeDeg: z.number(),
  longitudeDeg: z.number(),
  spanStartMs: epochMs,
  spanEndMs: epochMs,
  heldMs: z.number().nonnegative(),
});
export const possibleLoadingPointsResponse = z.object({ fromMs: epochMs, toMs: epochMs, items: z.array(possibleLoadingPointItem) });
export type PossibleLoadingPointsResponse = z.infer<typeof possibleLoadingPointsResponse>;
