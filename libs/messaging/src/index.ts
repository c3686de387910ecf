export * from './bus';
export { InProcessBus, type InProcessBusOptions, type InProcessRetention } from './in-process.bus';
export { KafkaBus, type KafkaBusOptions } from './kafka.bus';
export { murmur2, partitionForKey } from './murmur2';
export { type BackoffOptions } from './backoff';
export { classifyFailure, describeFailure, defaultFailurePolicy, type FailureKind, type FailurePolicy, type FailurePolicyOptions } from './failure-policy';
export { defaultStallAfterMs, type StalledPartition } from './progress-watchdog';
export { type MetricsRegistryOwner } from './consumer-metrics';
export { createMessagingLogger, type Logger } from './logger';
