import { startPartsService, type PartsContext, type PartsServiceOptions } from '@roadwatch/runtime';
import type { RunningPartsService, RunningServicePart, ServicePart } from '@roadwatch/runtime';
import type { SupervisionConfig } from './config';
import { keySupervisionPart } from './key-supervision/key-supervision.part';
import { deliveryPart } from './delivery/delivery.part';
import { handlingPart } from './handling/handling.part';
import { scoresPart } from './scores/scores.part';

/** What every part of the supervision service is given. */
export type SupervisionContext = PartsContext<SupervisionConfig>;

/** One running part: a consumer of the alerts topic, a delivery loop, a scheduled job. */
export type RunningSupervisionPart = RunningServicePart;

/** A part of the supervision module (RULES.md §9–§10): started with the service, closed with it in reverse order. */
export type SupervisionPart = ServicePart<SupervisionContext>;

export type SupervisionOptions = PartsServiceOptions<SupervisionConfig>;

export type RunningSupervision = RunningPartsService;

/**
 * The parts of supervision, in start order. Each feature (handling workflow, delivery to
 * companies, 查岗, 考核 scores, the 重点监管 list) adds its part here and keeps its code in a
 * folder of its own under src/.
 */
export const SUPERVISION_PARTS: readonly SupervisionPart[] = [
  // The handling workflow: each alert onto its company's list, deadlines, overdue escalation (src/handling).
  handlingPart(),
  // Delivery to companies: signed webhooks, SMS, retries (src/delivery).
  deliveryPart(),
  // 考核 (RULES §10, §15): scores after each month, the rolling 7 days daily
  scoresPart(),
  // The 重点监管 list: triggers judged on a schedule (src/key-supervision).
  keySupervisionPart(),
];

/**
 * services/supervision: the module that follows an alert after detection (ARCHITECTURE.md
 * "Supervision"): it is fed by the alerts topic and by scheduled jobs over stored facts, and
 * owns the tables of handling, delivery, 查岗, scores and the 重点监管 list. The API serves
 * what it stores; this service does the work in the background, once per cluster (consumer
 * groups, or jobs that take a database lock).
 */
export const startSupervision = (options: SupervisionOptions): Promise<RunningSupervision> => startPartsService('supervision', options, SUPERVISION_PARTS);
