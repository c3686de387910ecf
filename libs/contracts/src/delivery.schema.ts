import { z } from 'zod';
import { alertRule } from './alert.schema';
import { alertItem } from './api.schema';
import { epochMs, queryEpochMs, severity } from './common.schema';
import { safeString } from './safe-string';

/**
 * Delivery of alerts to companies (RULES.md §9 "Delivery", issue #14 item 1): what a company's
 * webhook receives, how it is signed, and the API's routing, secret and attempt resources
 * (`/v1/delivery/*`).
 */

/**
 * The headers of a webhook POST. The signature is `sha256=` + hex HMAC-SHA256, keyed with the
 * company's secret, over `<timestamp>.<body>` (the timestamp header's digits, a dot, the raw
 * body bytes); the idempotency key is `<alertId>:<revision>` with the alert id percent-encoded
 * (it holds the plate; a header is bytes 0–255) — the same on every retry of one revision, so a
 * receiver that saw it may answer 2xx and do nothing.
 */
export const WEBHOOK_HEADERS = {
  timestamp: 'x-roadwatch-timestamp',
  signature: 'x-roadwatch-signature',
  idempotencyKey: 'idempotency-key',
  attempt: 'x-roadwatch-attempt',
} as const;

/** The body a company's webhook receives: the alert as the company sees it in the platform (`GET /v1/alerts`), without the platform's own acknowledgement. */
export const webhookAlertBody = alertItem.omit({ ack: true }).extend({ kind: z.literal('alert') });
export type WebhookAlertBody = z.infer<typeof webhookAlertBody>;

export const deliveryChannel = z.enum(['webhook', 'sms']);
/** A phone number an SMS goes to: +, digits (mainland mobile numbers with or without +86). */
export const smsNumber = safeString().regex(/^\+?\d{5,15}$/, 'a phone number: an optional + and 5–15 digits');

/** `POST /v1/delivery/companies/:companyId/routes` and `PUT …/routes/:routeId`. */
export const deliveryRouteRequest = z.discriminatedUnion('channel', [
  z.object({
    channel: z.literal('webhook'),
    /** http(s), no credentials; a private or loopback address only where the platform allows it. */
    target: safeString().min(1).max(2_000),
    rules: z.array(alertRule).max(alertRule.options.length).default([]),
    minSeverity: severity.optional(),
    enabled: z.boolean().default(true),
  }),
  z.object({
    channel: z.literal('sms'),
    target: smsNumber,
    rules: z.array(alertRule).max(alertRule.options.length).default([]),
    minSeverity: severity.optional(),
    enabled: z.boolean().default(true),
  }),
]);
export type DeliveryRouteRequest = z.infer<typeof deliveryRouteRequest>;

export const deliveryRouteItem = z.object({
  routeId: safeString(),
  companyId: safeString(),
  channel: deliveryChannel,
  target: safeString(),
  rules: z.array(alertRule),
  minSeverity: severity.optional(),
  enabled: z.boolean(),
  createdAtMs: epochMs,
  createdBy: safeString(),
  updatedAtMs: epochMs,
  updatedBy: safeString(),
});
export type DeliveryRouteItem = z.infer<typeof deliveryRouteItem>;

/** A company's delivery settings: its routes, its registered webhook (the default route), whether a signing secret is set. */
export const deliverySettingsResponse = z.object({
  companyId: safeString(),
  /** `companies.webhook_url` (the registry's): every alert goes there while the company has no route. */
  registeredWebhookUrl: safeString().optional(),
  secretSet: z.boolean(),
  secretRotatedAtMs: epochMs.optional(),
  secretRotatedBy: safeString().optional(),
  routes: z.array(deliveryRouteItem),
});
export type DeliverySettingsResponse = z.infer<typeof deliverySettingsResponse>;

/** The new signing secret: shown this once; the platform keeps it to sign, never shows it again. */
export const deliverySecretIssued = z.object({ companyId: safeString(), secret: safeString(), rotatedAtMs: epochMs });
export type DeliverySecretIssued = z.infer<typeof deliverySecretIssued>;

/** A route saved: the new secret when the company had none (its first webhook route), shown once. */
export const deliveryRouteSaved = deliveryRouteItem.extend({ secretIssued: deliverySecretIssued.optional() });
export type DeliveryRouteSaved = z.infer<typeof deliveryRouteSaved>;

const paging = { limit: z.coerce.number().int().min(1).max(1000).default(100), offset: z.coerce.number().int().min(0).default(0) };
const deliveryFilters = {
  companyId: safeString().min(1).optional(),
  alertId: safeString().min(1).optional(),
  channel: deliveryChannel.optional(),
  fromMs: queryEpochMs.optional(),
  toMs: queryEpochMs.optional(),
  ...paging,
};

export const deliveryAttemptOutcome = z.enum(['delivered', 'failed', 'given_up']);
export const deliveryState = z.enum(['pending', 'delivered', 'given_up']);

/** `GET /v1/delivery/attempts`: newest first. */
export const deliveryAttemptListQuery = z.object({ ...deliveryFilters, outcome: deliveryAttemptOutcome.optional() });
/** `GET /v1/delivery/deliveries`: newest first. */
export const deliveryListQuery = z.object({ ...deliveryFilters, state: deliveryState.optional() });

/** What a delivery and each of its attempts both carry: which alert (and revision), to whom, how. */
const deliveryHead = {
  deliveryId: safeString(),
  alertId: safeString(),
  revision: z.number().int(),
  companyId: safeString(),
  channel: deliveryChannel,
  target: safeString(),
};

export const deliveryAttemptItem = z.object({
  attemptId: safeString(),
  ...deliveryHead,
  attemptNo: z.number().int(),
  atMs: epochMs,
  outcome: deliveryAttemptOutcome,
  httpStatus: z.number().int().optional(),
  error: safeString().optional(),
  durationMs: z.number().int(),
  nextAttemptAtMs: epochMs.optional(),
});
export type DeliveryAttemptItemDto = z.infer<typeof deliveryAttemptItem>;

export const deliveryItem = z.object({
  ...deliveryHead,
  rule: safeString(),
  severity: safeString(),
  state: deliveryState,
  attempts: z.number().int(),
  createdAtMs: epochMs,
  nextAttemptAtMs: epochMs.optional(),
  finishedAtMs: epochMs.optional(),
  lastHttpStatus: z.number().int().optional(),
  lastError: safeString().optional(),
});
export type DeliveryItemDto = z.infer<typeof deliveryItem>;
