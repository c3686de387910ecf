import type { Bus } from '@roadwatch/messaging';
import { startServiceParts, type Logger, type ReadinessCheck, type RunningServicePart, type ServiceMetrics, type ServicePart } from '@roadwatch/runtime';
import { pingDatabase, type StoragePool } from '@roadwatch/storage';
import type { EnforcementConfig } from './config';
import { siteWeighingsPart } from './site-weighings/site-weighings.part';
import { clonedPlatePart } from './wim-gps/cloned-plate.part';
import { heavyBodyPart } from './wim-gps/heavy-body.part';
import { evasionPart } from './wim-gps/evasion.part';
import { permitWeighingsPart } from './permits/permit-weighings.part';
import { permitHoursPart } from './permits/permit-hours.part';
import { areaBansPart } from './permits/area-bans.part';

/** What every part of the enforcement service is given. */
export interface EnforcementContext {
  bus: Bus;
  /** A migrated storage schema (`createPool` + `migrate` of @roadwatch/storage). */
  pool: StoragePool;
  logger: Logger;
  metrics: ServiceMetrics;
  /** The service's environment (defaults filled); parts read their own variables from it. */
  config: Partial<EnforcementConfig>;
  /** The clock every part reads (a test moves it). */
  now: () => number;
}

/** One running part: a consumer of the weighings, an analysis, a scheduled job. */
export type RunningEnforcementPart = RunningServicePart;

/** A part of the enforcement analyses (RULES.md §13–§14): started with the service, closed with it in reverse order. */
export type EnforcementPart = ServicePart<EnforcementContext>;

export interface EnforcementOptions extends Omit<EnforcementContext, 'now' | 'config'> {
  config?: Partial<EnforcementConfig>;
  now?: () => number;
  /** Default: every part of `ENFORCEMENT_PARTS`. */
  parts?: readonly EnforcementPart[];
}

export interface RunningEnforcement {
  readiness: ReadinessCheck[];
  close(): Promise<void>;
}

/**
 * The parts of enforcement, in start order. Each analysis (套牌, evasion, 大吨小标, entrance
 * refusals and exit records) adds its part here and keeps its code in a folder of its own under src/.
 */
export const ENFORCEMENT_PARTS: readonly EnforcementPart[] = [
  siteWeighingsPart(),
  clonedPlatePart(),
  heavyBodyPart(),
  evasionPart(),
  // 大件 permits and area bans (RULES.md §11, §15; issue #16).
  permitWeighingsPart(),
  permitHoursPart(),
  areaBansPart(),
];

/**
 * services/enforcement: the analyses that read a vehicle's recent track from storage when a
 * weighing arrives (ARCHITECTURE.md "Detector stages"): 套牌, evasion, 大吨小标 and the traces an
 * entrance refusal or an over-limit exit record starts (RULES §13–§14). Its findings are
 * targeting alerts for enforcement officers, never penalties.
 */
export const startEnforcement = async (options: EnforcementOptions): Promise<RunningEnforcement> => {
  const context: EnforcementContext = {
    bus: options.bus,
    pool: options.pool,
    logger: options.logger,
    metrics: options.metrics,
    config: options.config ?? {},
    now: options.now ?? Date.now,
  };
  const parts = await startServiceParts('enforcement', options.parts ?? ENFORCEMENT_PARTS, context, options.logger);
  return { readiness: [{ name: 'database', check: () => pingDatabase(options.pool) }, ...parts.readiness], close: parts.close };
};
