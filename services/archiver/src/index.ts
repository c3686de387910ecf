export { startArchiver, type ArchiverOptions, type RunningArchiver } from './archiver.service';
export { ArchiveBatch, ARCHIVED_TOPICS, type ArchivedTopic, type BatchOutcome } from './archive-batch.usecase';
export type { ArchiveWriter } from './archive-writer';
export { PgArchiveWriter } from './pg-archive.writer';
export { MaintenanceLoop, type MaintenanceTask } from './maintenance';
export { newestPerVehicle, type LatestPositionStore } from './latest/latest-position-store';
export { MemoryLatestPositionStore } from './latest/memory-latest-position-store';
export { RedisLatestPositionStore } from './latest/redis-latest-position-store';
