export { DEFAULT_CHECKPOINT_CADENCE, startDetector, type DetectorOptions, type RunningDetector } from './detector.service';
export { DetectorProcessor, DEFAULT_DETECTOR_TOPICS, EVERY_BATCH, type CheckpointCadence, type DetectorTopics } from './detector.processor';
export { unknownVehicleFacts, type VehicleFactsLookup } from './directory/vehicle-facts-lookup';
export {
  databaseRelaysLoader,
  databaseRoadsLoader,
  relayLookupOf,
  reloadingDirectory,
  startDatabaseRegistry,
  type DatabaseRegistry,
} from './directory/database-registry';
export { DEFAULT_FATIGUE_REMINDER_CONFIG, fatigueReminderOf, type FatigueReminderConfig, type RestArea } from './reminders/fatigue-reminder';
export type { PositionRules, PositionRuleResult } from './rules/position-rules.port';
export { libsPositionRules, loadRoadIndex, type LibsPositionRulesOptions } from './rules/libs-position-rules';
export { MemoryStateStore } from './state/memory-state-store';
export { RedisStateStore } from './state/redis-state-store';
export type { StateStore, PartitionRef, PartitionSnapshot, Checkpoint } from './state/state-store';
export { detectorEnvSchema, loadDetectorConfig, directoryFromConfig, registryFromConfig, type DetectorConfig } from './config';
