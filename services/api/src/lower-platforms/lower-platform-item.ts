import type { LowerPlatformItem, LowerPlatformRequestItem } from '@roadwatch/contracts';
import type { LowerPlatformRecord, PlatformLinkRequest } from '@roadwatch/storage';

/** A platform as the API lists it: never its password hash nor its keys. */
export const lowerPlatformItemOf = (p: LowerPlatformRecord, online?: boolean): LowerPlatformItem => ({
  accessCode: p.accessCode,
  name: p.name,
  ...(p.companyId === undefined ? {} : { companyId: p.companyId }),
  ...(p.providerName === undefined ? {} : { providerName: p.providerName }),
  userId: p.userId,
  allowedSources: p.allowedSources,
  encrypt: p.encrypt,
  protocolVersion: p.protocolVersion,
  enabled: p.enabled,
  ...(online === undefined ? {} : { online }),
  createdAtMs: p.createdAtMs,
  updatedAtMs: p.updatedAtMs,
});

export const lowerPlatformRequestItemOf = (r: PlatformLinkRequest): LowerPlatformRequestItem => {
  const item: LowerPlatformRequestItem = {
    requestId: r.requestId,
    kind: r.kind,
    accessCode: r.accessCode,
    infoId: r.infoId,
    question: r.question,
    createdAtMs: r.createdAtMs,
    deadlineAtMs: r.deadlineAtMs,
  };
  if (r.inspectionId !== undefined) item.inspectionId = r.inspectionId;
  if (r.alertId !== undefined) item.alertId = r.alertId;
  if (r.sentAtMs !== undefined) item.sentAtMs = r.sentAtMs;
  if (r.answeredAtMs !== undefined) item.answeredAtMs = r.answeredAtMs;
  if (r.answer !== undefined) item.answer = r.answer;
  return item;
};
