import { z } from 'zod';
import { alertLevel, alertRule } from './alert.schema';
import { epochMs, severity } from './common.schema';
import { freeText, safeJsonObject, safeString } from './safe-string';

/**
 * The handling workflow of an alert addressed to a company (RULES.md §9, §15): the stored
 * `alert_handling` row as the API and the live feed show it.
 */
export const handlingState = z.enum(['new', 'notified', 'viewed', 'handled']);
export type HandlingStateName = z.infer<typeof handlingState>;
export const appealState = z.enum(['pending', 'accepted', 'rejected']);
/** TTS reminder, phone call, education, internal penalty, false alarm (误报 is handling, §15). */
export const handlingMeasure = z.enum(['tts_reminder', 'phone_call', 'education', 'internal_penalty', 'false_alarm']);
export type HandlingMeasure = z.infer<typeof handlingMeasure>;
/** `severe`: the 30 min window (fatigue violation, 百吨王, 02:00 rule, 12-/9-point speeding); `standard`: 24 h. */
export const handlingSeverity = z.enum(['severe', 'standard']);

export const handlingItem = z.object({
  alertId: safeString(),
  vehicleId: safeString(),
  plate: safeString().nullable(),
  companyId: safeString(),
  regionCode: safeString().nullable(),
  rule: alertRule,
  level: alertLevel.nullable(),
  /** The alert's own severity (latest revision), as on the map. */
  alertSeverity: severity.nullable(),
  /** The alert's text, Chinese (default) and English (latest revision). */
  summary: freeText().nullable(),
  summaryEn: freeText().nullable(),
  handlingSeverity: handlingSeverity,
  /** Pre-warnings are delivered but never due (no deadline). */
  due: z.boolean(),
  state: handlingState,
  withdrawn: z.boolean(),
  alertStartedAtMs: epochMs,
  firstNotifiedAtMs: epochMs.nullable(),
  deadlineAtMs: epochMs.nullable(),
  /** Past its deadline, not handled, no appeal pending or accepted (the server's clock at answer time). */
  overdue: z.boolean(),
  escalatedAtMs: epochMs.nullable(),
  viewedAtMs: epochMs.nullable(),
  viewedBy: safeString().nullable(),
  handledAtMs: epochMs.nullable(),
  handledBy: safeString().nullable(),
  measure: handlingMeasure.nullable(),
  handlingComment: freeText().nullable(),
  appealState: appealState.nullable(),
  appealFiledAtMs: epochMs.nullable(),
  appealFiledBy: safeString().nullable(),
  appealReason: freeText().nullable(),
  appealDecidedAtMs: epochMs.nullable(),
  appealDecidedBy: safeString().nullable(),
  appealDecisionComment: freeText().nullable(),
});
export type HandlingItem = z.infer<typeof handlingItem>;

/** One step of an item's handling (`alert_handling_events`), oldest first. */
export const handlingEventItem = z.object({
  atMs: epochMs,
  actor: safeString(),
  action: safeString(),
  details: safeJsonObject(),
});
export type HandlingEventItem = z.infer<typeof handlingEventItem>;

export const handlingDetail = handlingItem.extend({ events: z.array(handlingEventItem) });
export type HandlingDetail = z.infer<typeof handlingDetail>;

const paging = { limit: z.coerce.number().int().min(1).max(500).default(100), offset: z.coerce.number().int().min(0).default(0) };
const booleanQuery = z
  .enum(['true', 'false'])
  .transform((s) => s === 'true')
  .optional();

/** `GET /v1/handling`: the company's 待处理 list (or the items in an operator's/admin's scope). */
export const handlingListQuery = z.object({
  state: handlingState.optional(),
  rule: alertRule.optional(),
  overdue: booleanQuery,
  /** Include pre-warnings and withdrawn alerts (default: only what needs handling: due, not withdrawn). */
  all: booleanQuery,
  ...paging,
});
export type HandlingListQuery = z.infer<typeof handlingListQuery>;

/** `GET /v1/handling/duty-board`: the monitoring centre's on-duty board (escalated, still open) and pending appeals. */
export const dutyBoardQuery = z.object({ ...paging });

export const handlingCounts = z.object({
  open: z.number().int(),
  overdue: z.number().int(),
  handled: z.number().int(),
  appealsPending: z.number().int(),
});
export type HandlingCounts = z.infer<typeof handlingCounts>;

export const handlingListResponse = z.object({
  items: z.array(handlingItem),
  limit: z.number().int(),
  offset: z.number().int(),
  counts: handlingCounts,
});
export type HandlingListResponse = z.infer<typeof handlingListResponse>;

export const dutyBoardResponse = z.object({
  overdue: z.array(handlingItem),
  appeals: z.array(handlingItem),
  limit: z.number().int(),
  offset: z.number().int(),
});
export type DutyBoardResponse = z.infer<typeof dutyBoardResponse>;

export const handleAlertRequest = z.object({ measure: handlingMeasure, comment: freeText().min(1).max(2000) });
export type HandleAlertRequest = z.infer<typeof handleAlertRequest>;
export const appealAlertRequest = z.object({ reason: freeText().min(1).max(2000) });
export type AppealAlertRequest = z.infer<typeof appealAlertRequest>;
export const decideAppealRequest = z.object({ decision: z.enum(['accepted', 'rejected']), comment: freeText().min(1).max(2000) });
export type DecideAppealRequest = z.infer<typeof decideAppealRequest>;

/**
 * `supervision.handling` (key = company id): a handling item as it changed in supervision — a
 * new item on the company's list (the first in-platform notification) or an item escalated
 * to the on-duty board. The API's live feed pushes it to the sockets that may see it.
 */
export const handlingChangeV1 = z.object({
  v: z.literal(1),
  change: z.enum(['notified', 'escalated', 'revised']),
  item: handlingItem,
});
export type HandlingChangeV1 = z.infer<typeof handlingChangeV1>;

/** socket.io `handling` event (`LIVE_EVENTS.handling`): the item and what happened to it. */
export const handlingLiveEvent = z.object({
  change: z.enum(['notified', 'escalated', 'revised', 'viewed', 'handled', 'appealed', 'decided']),
  item: handlingItem,
});
export type HandlingLiveEvent = z.infer<typeof handlingLiveEvent>;
