import { z } from 'zod';
import { epochMs, plateColour, requestDate } from './common.schema';
import { freeText, safeJsonObject, safeString } from './safe-string';

/**
 * JT/T 809 lower platforms (下级平台, issue #17): the company or service-provider platforms that
 * forward vehicles to us, administered by admin (`/v1/lower-platforms`, capability
 * `lower_platforms`); what they told us (vehicles for review, 0x1402 alarms); 查岗 and 督办 sent
 * to them over their link and the answers.
 */

const uint32 = z.number().int().min(0).max(0xffff_ffff);

/** An IPv4/IPv6 address, or a CIDR range of one. */
const sourceAddress = safeString()
  .trim()
  .max(64)
  .refine((value) => {
    const [base = '', bits, extra] = value.split('/');
    if (extra !== undefined) return false;
    const v4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(base);
    const v6 = !v4 && /^[0-9a-f:.]+$/i.test(base) && base.includes(':');
    if (!v4 && !v6) return false;
    return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (v4 ? 32 : 128));
  }, 'must be an IPv4 or IPv6 address, or a CIDR range of one');

export const lowerPlatformAccessCodeParam = z.object({ accessCode: z.coerce.number().pipe(uint32) });

/**
 * Create or replace a platform. The password is what 0x1001 sends (8 bytes of text, in clear —
 * the protocol has no other way), so only its scrypt hash is kept; left out on a replace, the
 * stored one stays. M1/IA1/IC1 and the initial key are the simple encryption's (symmetric: kept as given,
 * never listed; left out on a replace, the stored ones stay — an edit form cannot show them).
 */
export const saveLowerPlatformRequest = z.object({
  name: freeText().trim().min(1).max(200),
  companyId: safeString().trim().min(1).max(64).optional(),
  providerName: freeText().trim().min(1).max(200).optional(),
  userId: uint32,
  password: safeString().min(1).max(8).optional(),
  allowedSources: z.array(sourceAddress).max(64).default([]),
  encrypt: z.boolean().default(false),
  /** Write-only like the password: left out on a replace, the stored key stays (0 for a new platform). */
  encryptKey: uint32.optional(),
  m1: uint32.optional(),
  ia1: uint32.optional(),
  ic1: uint32.optional(),
  protocolVersion: z.enum(['2011', '2019']),
  enabled: z.boolean().default(true),
});
export type SaveLowerPlatformRequest = z.infer<typeof saveLowerPlatformRequest>;
/** The body as a client sends it (defaults not yet applied). */
export type SaveLowerPlatformInput = z.input<typeof saveLowerPlatformRequest>;

/** A platform as listed: never its password (hash) nor its keys. */
export const lowerPlatformItem = z.object({
  accessCode: uint32,
  name: freeText(),
  companyId: safeString().optional(),
  providerName: freeText().optional(),
  userId: uint32,
  allowedSources: z.array(safeString()),
  encrypt: z.boolean(),
  protocolVersion: z.enum(['2011', '2019']),
  enabled: z.boolean(),
  /** Whether it is logged in now (main link), when the gateway runs in this process; absent otherwise. */
  online: z.boolean().optional(),
  createdAtMs: epochMs,
  updatedAtMs: epochMs,
});
export type LowerPlatformItem = z.infer<typeof lowerPlatformItem>;

export const discoveredVehicleItem = z.object({
  accessCode: uint32,
  plate: safeString(),
  plateColour,
  registration: safeJsonObject().optional(),
  staticInfo: safeJsonObject().optional(),
  reviewStatus: z.enum(['pending', 'accepted', 'rejected']),
  firstSeenAtMs: epochMs,
  lastSeenAtMs: epochMs,
});
export type DiscoveredVehicleItem = z.infer<typeof discoveredVehicleItem>;

export const reviewDiscoveredVehicleRequest = z.object({
  accessCode: uint32,
  plate: safeString().trim().min(1).max(21),
  plateColour,
  decision: z.enum(['accepted', 'rejected']),
});

export const lowerPlatformAlarmItem = z.object({
  accessCode: uint32,
  plate: safeString(),
  plateColour,
  warnSrc: z.number().int(),
  warnType: z.number().int(),
  warnAtMs: epochMs,
  infoId: uint32,
  infoContent: freeText(),
  receivedAtMs: epochMs,
});
export type LowerPlatformAlarmItem = z.infer<typeof lowerPlatformAlarmItem>;

export const lowerPlatformListQuery = z.object({
  accessCode: z.coerce.number().pipe(uint32).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** 查岗 to a lower platform (0x9301 over its link); its answer (0x1301) counts in the company's 查岗响应率. */
export const lowerPlatformInspectionRequest = z.object({
  question: freeText().trim().min(1).max(500),
  windowMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(10),
});

/** 督办 of an alert (0x9401) to the platform forwarding its vehicle; answered 0x1401. */
export const lowerPlatformSupervisionRequest = z.object({
  alertId: safeString().trim().min(1).max(200),
  /** Minutes the platform has to handle it. */
  windowMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  /** SUPERVISION_LEVEL: 0 urgent, 1 normal. */
  level: z.union([z.literal(0), z.literal(1)]).default(1),
  supervisor: freeText().trim().max(16).default(''),
  phone: safeString().trim().max(20).default(''),
  email: safeString().trim().max(32).default(''),
});

export const lowerPlatformRequestItem = z.object({
  requestId: safeString(),
  kind: z.enum(['inspection', 'supervision']),
  accessCode: uint32,
  infoId: uint32,
  inspectionId: safeString().optional(),
  alertId: safeString().optional(),
  question: freeText(),
  createdAtMs: epochMs,
  deadlineAtMs: epochMs,
  sentAtMs: epochMs.optional(),
  answeredAtMs: epochMs.optional(),
  answer: safeJsonObject().optional(),
});
export type LowerPlatformRequestItem = z.infer<typeof lowerPlatformRequestItem>;

/** Days (local, inclusive) of the per-source data quality; at most 31. */
export const sourceQualityQuery = z
  .object({
    fromDate: requestDate,
    toDate: requestDate,
  })
  .refine((q) => q.fromDate <= q.toDate && Date.parse(q.toDate) - Date.parse(q.fromDate) <= 30 * 86_400_000, {
    message: 'fromDate ≤ toDate, at most 31 days',
    path: ['toDate'],
  });

/** 上线率, 轨迹完整率, 数据合格率 of one source (RULES §6): `jt808` or a lower platform's access code; rates absent when undefined (nothing to divide). */
export const sourceQualityItem = z.object({
  source: safeString(),
  platformName: freeText().optional(),
  vehicles: z.number().int().nonnegative(),
  onlineVehicles: z.number().int().nonnegative(),
  onlineRate: z.number().min(0).max(1).optional(),
  trackCompletenessRate: z.number().min(0).max(1).optional(),
  validRate: z.number().min(0).max(1).optional(),
  received: z.number().int().nonnegative(),
});
export type SourceQualityItem = z.infer<typeof sourceQualityItem>;
