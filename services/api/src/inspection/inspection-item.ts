import type { InspectionItem, InspectionRecipientItem } from '@roadwatch/contracts';
import { isAnsweredInTime } from '@roadwatch/rules';
import type { InspectionRecipientRecord, InspectionRecord } from '@roadwatch/storage';

/** Where a recipient stands at `nowMs` (the window inclusive: libs/rules' `isAnsweredInTime`). */
export const recipientStatusOf = (r: InspectionRecipientRecord, nowMs: number): InspectionRecipientItem['status'] => {
  if (r.answeredAtMs !== undefined) return isAnsweredInTime(r.answeredAtMs, r.windowEndsAtMs) ? 'answered' : 'late';
  return nowMs <= r.windowEndsAtMs ? 'open' : 'unanswered';
};

/** The stored inspection as the contract's item, each recipient's status judged at `nowMs`. */
export const inspectionItemOf = (record: InspectionRecord, nowMs: number): InspectionItem => ({
  inspectionId: record.inspectionId,
  question: record.question,
  sentBy: record.sentBy,
  sentAtMs: record.sentAtMs,
  windowMinutes: Math.round(record.windowSeconds / 60),
  addressing: record.addressing,
  recipients: record.recipients.map((r) => {
    const item: InspectionRecipientItem = { companyId: r.companyId, windowEndsAtMs: r.windowEndsAtMs, status: recipientStatusOf(r, nowMs) };
    if (r.companyName !== undefined) item.companyName = r.companyName;
    if (r.answeredAtMs !== undefined) item.answeredAtMs = r.answeredAtMs;
    if (r.answeredBy !== undefined) item.answeredBy = r.answeredBy;
    if (r.answer !== undefined) item.answer = r.answer;
    return item;
  }),
  serverNowMs: nowMs,
});

/** The inspection narrowed to one company's row: what that company's users may see of it. */
export const forCompany = (record: InspectionRecord, companyId: string): InspectionRecord => ({
  ...record,
  recipients: record.recipients.filter((r) => r.companyId === companyId),
});
