export {
  startEnforcement,
  ENFORCEMENT_PARTS,
  type EnforcementContext,
  type EnforcementOptions,
  type EnforcementPart,
  type RunningEnforcement,
  type RunningEnforcementPart,
} from './enforcement.service';
export { clonedPlatePart, clonedPlateAlertId, clonedPlateTargetingId, victimAlertOf, type ClonedPlatePartOptions } from './wim-gps/cloned-plate.part';
export { heavyBodyPart, type HeavyBodyPartOptions } from './wim-gps/heavy-body.part';
export { evasionPart, runEvasionJob, evasionTargetingId, EVASION_JOB, type EvasionJobSettings } from './wim-gps/evasion.part';
export { enforcementEnvSchema, loadEnforcementConfig, type EnforcementConfig } from './config';
export { siteWeighingsPart, SITE_WEIGHINGS_PART } from './site-weighings/site-weighings.part';
export { SiteWeighings, type SiteWeighingOutcome, type ReviewSummary } from './site-weighings/site-weighings';
export { permitWeighingsPart, permitWeighingEpisodeId, type PermitWeighingsPartOptions } from './permits/permit-weighings.part';
export { permitHoursPart, runPermitHoursJob, permitHoursEpisodeId, PERMIT_HOURS_JOB, type RouteCheckJobSettings } from './permits/permit-hours.part';
export { areaBansPart, runAreaBansJob, areaBanEpisodeId, AREA_BANS_JOB } from './permits/area-bans.part';
