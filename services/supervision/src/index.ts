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
export { keySupervisionPart, runKeySupervisionJob, KEY_SUPERVISION_JOB, type KeySupervisionRunSummary } from './key-supervision/key-supervision.part';
