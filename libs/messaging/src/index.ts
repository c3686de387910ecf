export * from './bus';
export { InProcessBus, type InProcessBusOptions } from './in-process.bus';
export { KafkaBus, type KafkaBusOptions } from './kafka.bus';
export { murmur2, partitionForKey } from './murmur2';
export { type BackoffOptions } from './batch-processor';
export { createMessagingLogger, type Logger } from './logger';
