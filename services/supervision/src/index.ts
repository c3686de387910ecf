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
export { runScoresJob, scoresPart, type ScoresRun } from './scores/scores.part';
