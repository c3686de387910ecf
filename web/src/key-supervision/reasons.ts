import type { KeySupervisionReasonItem } from '@roadwatch/contracts';
import { t, type Lang } from '../i18n';

/** A reason as one line in the UI language, its figures filled in (`ks.reason.<code>` templates). */
export const reasonText = (reason: Pick<KeySupervisionReasonItem, 'code' | 'detail'>, language?: Lang): string =>
  t(`ks.reason.${reason.code}`, language).replace(/\{(\w+)\}/g, (_, key: string) => String(reason.detail[key] ?? '—'));

/** What an evidence link is called on screen: an alert's id, a vehicle-day's date, a listed vehicle's id. */
export const evidenceLabel = (evidence: { kind: string; id: string }): string =>
  evidence.kind === 'quality_day' ? evidence.id.slice(evidence.id.lastIndexOf('/') + 1) : evidence.id;
