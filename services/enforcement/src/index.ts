export {
  startEnforcement,
  ENFORCEMENT_PARTS,
  type EnforcementContext,
  type EnforcementOptions,
  type EnforcementPart,
  type RunningEnforcement,
  type RunningEnforcementPart,
} from './enforcement.service';
export { enforcementEnvSchema, loadEnforcementConfig, type EnforcementConfig } from './config';
