import { z } from 'zod';
import { safeString } from './safe-string';
import { epochMs, plateColour } from './common.schema';

/**
 * One JT/T 808 0x0702 driver identity report (IC card), as put on `drivers.card-events`
 * (key = vehicleId, else the terminal id): a sign-in with the card's facts, a sign-out, or a
 * card the terminal could not read. The vehicle is the one the terminal is bound to.
 */
export const driverCardEventV1 = z.object({
  v: z.literal(1),
  terminalId: safeString().min(1),
  /** The bound vehicle; the terminal's own id when it is not in the registry (then `registered` is false). */
  vehicleId: safeString().min(1),
  registered: z.boolean(),
  plate: safeString().optional(),
  plateColour: plateColour.optional(),
  /** The terminal's time of the card event (UTC epoch ms). */
  reportedAtMs: epochMs,
  receivedAtMs: epochMs,
  event: z.enum(['sign_in', 'sign_out', 'read_failed']),
  /** The terminal's IC read result (0 ok; 1 key authentication failed, 2 locked, 3 pulled out, 4 checksum). */
  readResult: z.number().int().min(0).max(255).optional(),
  driverName: safeString().max(255).optional(),
  /** 从业资格证编码. */
  qualificationNo: safeString().max(20).optional(),
  issuingAuthority: safeString().max(255).optional(),
  /** 'YYYY-MM-DD'. */
  cardValidUntil: safeString()
    .refine((s) => z.iso.date().safeParse(s).success, 'not a calendar date YYYY-MM-DD')
    .optional(),
  /** 2019: 驾驶员身份证号. */
  idCardNo: safeString().max(20).optional(),
});
export type DriverCardEventV1 = z.infer<typeof driverCardEventV1>;
