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
export { siteWeighingsPart, SITE_WEIGHINGS_PART } from './site-weighings/site-weighings.part';
export { SiteWeighings, sourceSiteOf, type SiteWeighingOutcome, type ReviewSummary } from './site-weighings/site-weighings';
