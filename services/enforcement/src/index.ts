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
export { enforcementEnvSchema, loadEnforcementConfig, type EnforcementConfig } from './config';
