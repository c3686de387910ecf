import { z } from 'zod';
import { epochMs } from './common.schema';

export const caseParty = z.enum(['driver', 'vehicle_owner', 'transport_company', 'source_unit']);

/** Lifecycle events of a 一超四罚 case, on `cases.events`. */
export const caseEventV1 = z.object({
  v: z.literal(1),
  eventId: z.string().min(1),
  caseId: z.string().min(1),
  type: z.enum(['opened', 'party_named', 'penalty_proposed', 'decided', 'reported', 'closed']),
  violationId: z.string().min(1),
  party: caseParty.optional(),
  occurredAtMs: epochMs,
  details: z.record(z.string(), z.unknown()).default({}),
});
export type CaseEventV1 = z.infer<typeof caseEventV1>;
