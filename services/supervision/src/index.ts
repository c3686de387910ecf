export {
  startSupervision,
  SUPERVISION_PARTS,
  type SupervisionContext,
  type SupervisionOptions,
  type SupervisionPart,
  type RunningSupervision,
  type RunningSupervisionPart,
} from './supervision.service';
export { supervisionEnvSchema, loadSupervisionConfig, type SupervisionConfig } from './config';
export { handlingPart, ESCALATION_JOB, type HandlingPartOptions } from './handling/handling.part';
