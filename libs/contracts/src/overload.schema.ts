import { z } from 'zod';
import { safeString } from './safe-string';
import { epochMs, severity } from './common.schema';
import { wimMeasurementV1 } from './wim.schema';

/** A confirmed 超限 violation from a WIM record, on `violations.overload`; opens a 一超四罚 case. */
export const overloadViolationV1 = z.object({
  v: z.literal(1),
  violationId: safeString().min(1),
  alertId: safeString().min(1),
  vehicleId: safeString().min(1),
  registered: z.boolean(),
  companyId: safeString().optional(),
  measurement: wimMeasurementV1,
  limitKg: z.number().positive(),
  limitBasis: safeString(),
  maxPermissibleErrorKg: z.number().nonnegative(),
  confirmedGrossKg: z.number(),
  excessKg: z.number(),
  /** (confirmed − limit) / limit */
  overloadRatio: z.number(),
  /** (measured − limit) / limit, shown beside the confirmed figure. */
  rawRatio: z.number(),
  isBaiDunWang: z.boolean(),
  overWeight: z.boolean(),
  overDimensions: z.array(z.enum(['height', 'width', 'length'])),
  severity,
  decidedAtMs: epochMs,
});
export type OverloadViolationV1 = z.infer<typeof overloadViolationV1>;
