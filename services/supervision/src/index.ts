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
export { deliveryPart, type DeliveryPartOptions } from './delivery/delivery.part';
export { LoggingSmsProvider, type SmsProvider } from './delivery/sms-provider';
export { webhookSignatureOf, verifyWebhookSignature } from './delivery/webhook-signature';
export { handlingPart, ESCALATION_JOB, type HandlingPartOptions } from './handling/handling.part';
export { runScoresJob, scoresPart, type ScoresRun } from './scores/scores.part';
