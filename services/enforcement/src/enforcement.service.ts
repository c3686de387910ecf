import { startPartsService, type PartsContext, type PartsServiceOptions } from '@roadwatch/runtime';
import type { RunningPartsService, RunningServicePart, ServicePart } from '@roadwatch/runtime';
import type { EnforcementConfig } from './config';
import { siteWeighingsPart } from './site-weighings/site-weighings.part';
import { clonedPlatePart } from './wim-gps/cloned-plate.part';
import { heavyBodyPart } from './wim-gps/heavy-body.part';
import { evasionPart } from './wim-gps/evasion.part';
import { permitWeighingsPart } from './permits/permit-weighings.part';
import { permitHoursPart } from './permits/permit-hours.part';
import { areaBansPart } from './permits/area-bans.part';
import { tamperingPart } from './tampering/tampering.part';

/** What every part of the enforcement service is given. */
export type EnforcementContext = PartsContext<EnforcementConfig>;

/** One running part: a consumer of the weighings, an analysis, a scheduled job. */
export type RunningEnforcementPart = RunningServicePart;

/** A part of the enforcement analyses (RULES.md §13–§14): started with the service, closed with it in reverse order. */
export type EnforcementPart = ServicePart<EnforcementContext>;

export type EnforcementOptions = PartsServiceOptions<EnforcementConfig>;

export type RunningEnforcement = RunningPartsService;

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
  // Suspected signal tampering (RULES.md §12, §15; issue #16).
  tamperingPart(),
];

/**
 * services/enforcement: the analyses that read a vehicle's recent track from storage when a
 * weighing arrives (ARCHITECTURE.md "Detector stages"): 套牌, evasion, 大吨小标 and the traces an
 * entrance refusal or an over-limit exit record starts (RULES §13–§14). Its findings are
 * targeting alerts for enforcement officers, never penalties.
 */
export const startEnforcement = (options: EnforcementOptions): Promise<RunningEnforcement> => startPartsService('enforcement', options, ENFORCEMENT_PARTS);
