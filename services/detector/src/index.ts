export { startDetector, type DetectorOptions, type RunningDetector } from './detector.service';
export { DetectorProcessor, DEFAULT_DETECTOR_TOPICS, type DetectorTopics } from './detector.processor';
export { InMemoryVehicleDirectory, loadVehicleRegistryFile, parseVehicleRegistry, unknownVehicleFacts, type VehicleDirectory } from './directory/vehicle-directory';
export { DEFAULT_FATIGUE_REMINDER_CONFIG, fatigueReminderOf, type FatigueReminderConfig, type RestArea } from './reminders/fatigue-reminder';
export type { PositionRules, PositionRuleResult } from './rules/position-rules.port';
export { libsPositionRules } from './rules/libs-position-rules';
export { MemoryStateStore } from './state/memory-state-store';
export { RedisStateStore } from './state/redis-state-store';
export type { StateStore, PartitionRef, PartitionSnapshot, Checkpoint } from './state/state-store';
