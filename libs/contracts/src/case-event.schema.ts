import { z } from 'zod';
import { safeJsonObject, safeString } from './safe-string';
import { epochMs } from './common.schema';

export const caseParty = z.enum(['driver', 'vehicle_owner', 'transport_company', 'source_unit']);

/** Lifecycle events of a 一超四罚 case, on `cases.events`. */
export const caseEventV1 = z.object({
  v: z.literal(1),
  eventId: safeString().min(1),
  caseId: safeString().min(1),
  type: z.enum(['opened', 'party_named', 'penalty_proposed', 'decided', 'reported', 'closed']),
  violationId: safeString().min(1),
  party: caseParty.optional(),
  occurredAtMs: epochMs,
  details: safeJsonObject().default({}),
});
export type CaseEventV1 = z.infer<typeof caseEventV1>;
