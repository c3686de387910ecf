import type { HandlingItem } from '@roadwatch/contracts';
import { isOverdue, type HandlingItemFacts } from '@roadwatch/rules';
import type { HandlingRecord } from './handling.repository';

/** The workflow facts libs/rules reads of a stored handling record. */
export const handlingFactsOf = (record: HandlingRecord): HandlingItemFacts => ({
  state: record.state,
  due: record.due,
  withdrawn: record.withdrawn,
  deadlineAtMs: record.deadlineAtMs,
  firstNotifiedAtMs: record.firstNotifiedAtMs,
  appealState: record.appealState,
  appealFiledAtMs: record.appealFiledAtMs,
});

/**
 * A stored record as the contract's `HandlingItem` (REST, socket.io, `supervision.handling`),
 * `overdue` judged at `nowMs` by libs/rules. One mapping for supervision and the API.
 */
export const handlingItemOf = (record: HandlingRecord, nowMs: number): HandlingItem => ({
  alertId: record.alertId,
  vehicleId: record.vehicleId,
  plate: record.plate,
  companyId: record.companyId,
  regionCode: record.regionCode,
  rule: record.rule as HandlingItem['rule'],
  level: record.level as HandlingItem['level'],
  alertSeverity: record.alertSeverity as HandlingItem['alertSeverity'],
  summary: record.summary,
  summaryEn: record.summaryEn,
  handlingSeverity: record.handlingSeverity as HandlingItem['handlingSeverity'],
  due: record.due,
  state: record.state,
  withdrawn: record.withdrawn,
  alertStartedAtMs: record.alertStartedAtMs,
  firstNotifiedAtMs: record.firstNotifiedAtMs,
  deadlineAtMs: record.deadlineAtMs,
  overdue: isOverdue(handlingFactsOf(record), nowMs),
  escalatedAtMs: record.escalatedAtMs,
  viewedAtMs: record.viewedAtMs,
  viewedBy: record.viewedBy,
  handledAtMs: record.handledAtMs,
  handledBy: record.handledBy,
  measure: record.measure as HandlingItem['measure'],
  handlingComment: record.handlingComment,
  appealState: record.appealState,
  appealFiledAtMs: record.appealFiledAtMs,
  appealFiledBy: record.appealFiledBy,
  appealReason: record.appealReason,
  appealDecidedAtMs: record.appealDecidedAtMs,
  appealDecidedBy: record.appealDecidedBy,
  appealDecisionComment: record.appealDecisionComment,
});
