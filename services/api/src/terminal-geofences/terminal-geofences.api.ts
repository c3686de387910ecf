import { TOPICS, type CommandResultV1 } from '@roadwatch/contracts';
import type { Bus, Subscription } from '@roadwatch/messaging';
import { TerminalAreaAlarmReadModel, TerminalGeofenceRepository, type StoragePool } from '@roadwatch/storage';
import { SendGeofenceUseCase } from './usecases/send-geofence/send-geofence.usecase';

/** What the API's terminal-geofence controller uses, built once by startApi. */
export interface TerminalGeofencesApi {
  /** Reads, always called with the caller's `scope.filter`. */
  downlinks: TerminalGeofenceRepository;
  alarms: TerminalAreaAlarmReadModel;
  send: SendGeofenceUseCase;
}

export const createTerminalGeofencesApi = (pool: StoragePool, kickOutbox: () => void): TerminalGeofencesApi => {
  const downlinks = new TerminalGeofenceRepository(pool);
  return { downlinks, alarms: new TerminalAreaAlarmReadModel(pool), send: new SendGeofenceUseCase(pool, kickOutbox) };
};

/** Gateway statuses a send records (`answered` belongs to location queries, never to these). */
const RECORDED: ReadonlySet<CommandResultV1['status']> = new Set(['sent', 'acknowledged', 'failed', 'unsupported', 'undeliverable']);

/**
 * Follows `terminal.command-results` and records the outcome of the sends (one consumer group
 * for every API instance: each result is applied once; a redelivered one changes nothing after
 * a final answer). Results of other commands (text, queries) match no row and are skipped.
 */
export const followDownlinkResults = (bus: Bus, downlinks: TerminalGeofenceRepository, groupId: string): Promise<Subscription> =>
  bus.subscribe({
    groupId,
    topics: [TOPICS.commandResults],
    fromBeginning: false,
    handleBatch: async (batch) => {
      for (const { value } of batch.messages) {
        if (!RECORDED.has(value.status)) continue;
        await downlinks.applyResult({
          commandId: value.commandId,
          status: value.status as 'sent' | 'acknowledged' | 'failed' | 'unsupported' | 'undeliverable',
          reason: value.reason,
          answeredAtMs: value.answeredAtMs,
        });
      }
    },
  });
