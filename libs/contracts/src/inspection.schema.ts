import { z } from 'zod';
import { epochMs } from './common.schema';
import { freeText, safeString } from './safe-string';

/**
 * 查岗 — platform inspections (`/v1/inspections`; RULES.md §9, §15): an operator (in its region)
 * or an admin sends a question to one company, several, or every transport company in scope;
 * each company's users see it at once (the live event `inspection`) and answer once. The window
 * is inclusive; an answer after it is recorded and marked late. 查岗响应率 = answered in time ÷
 * sent (libs/rules `inspectionResponseRate`).
 */

/** The answer window in minutes: *default* 10 (RULES §9), configurable per request within these bounds. */
export const INSPECTION_WINDOW_MINUTES = { default: 10, min: 1, max: 24 * 60 } as const;

/** At most this many companies named in one request (more: send to all in scope). */
export const MAX_INSPECTION_COMPANIES = 500;

const companyId = safeString().trim().min(1).max(64);

export const sendInspectionRequest = z
  .object({
    question: freeText().trim().min(1).max(500),
    /** `companies`: exactly `companyIds`; `all`: every transport company in the sender's scope. */
    addressing: z.enum(['companies', 'all']).default('companies'),
    companyIds: z.array(companyId).max(MAX_INSPECTION_COMPANIES).optional(),
    windowMinutes: z.number().int().min(INSPECTION_WINDOW_MINUTES.min).max(INSPECTION_WINDOW_MINUTES.max).default(INSPECTION_WINDOW_MINUTES.default),
  })
  .superRefine((r, ctx) => {
    if (r.addressing === 'companies' && (r.companyIds === undefined || r.companyIds.length === 0))
      ctx.addIssue({ code: 'custom', path: ['companyIds'], message: 'name at least one company, or send to all companies in scope' });
    if (r.addressing === 'all' && r.companyIds !== undefined)
      ctx.addIssue({ code: 'custom', path: ['companyIds'], message: 'companyIds must be left out when sending to all companies in scope' });
  });
export type SendInspectionRequest = z.infer<typeof sendInspectionRequest>;

export const answerInspectionRequest = z.object({ answer: freeText().trim().min(1).max(2000) });
export type AnswerInspectionRequest = z.infer<typeof answerInspectionRequest>;

/** One company addressed: its window and, once given, its answer. */
export const inspectionRecipientItem = z.object({
  companyId: safeString(),
  companyName: safeString().optional(),
  /** Inclusive: an answer at this instant is in time. */
  windowEndsAtMs: epochMs,
  /** `open`: no answer yet and the window runs; `answered`: in time; `late`: answered after the window; `unanswered`: the window closed without an answer. */
  status: z.enum(['open', 'answered', 'late', 'unanswered']),
  answeredAtMs: epochMs.optional(),
  answeredBy: safeString().optional(),
  answer: freeText().optional(),
});
export type InspectionRecipientItem = z.infer<typeof inspectionRecipientItem>;

/**
 * An inspection as the caller may see it: an operator or admin sees every company addressed in
 * its scope, a company user only its own row (never whom else it went to).
 */
export const inspectionItem = z.object({
  inspectionId: safeString(),
  question: freeText(),
  sentBy: safeString(),
  sentAtMs: epochMs,
  windowMinutes: z.number().int(),
  addressing: z.enum(['companies', 'all']),
  recipients: z.array(inspectionRecipientItem),
  /** The server's clock when it answered: a client counts down from it, whatever its own clock says. */
  serverNowMs: epochMs,
});
export type InspectionItem = z.infer<typeof inspectionItem>;

export const inspectionListQuery = z.object({
  /** `open`: some recipient's window still runs; `past`: every window has closed. */
  state: z.enum(['open', 'past']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type InspectionListQuery = z.infer<typeof inspectionListQuery>;

/** `GET /v1/inspections/targets`: the transport companies the caller may send a 查岗 to. */
export const inspectionTargetItem = z.object({ companyId: safeString(), name: safeString(), regionCode: safeString().optional() });
export type InspectionTargetItem = z.infer<typeof inspectionTargetItem>;

/** Live `inspection` (to the addressed company's sockets) and `inspectionAnswered` (to everyone who may see the company). */
export const inspectionLiveEvent = inspectionItem;
export type InspectionLiveEvent = InspectionItem;
