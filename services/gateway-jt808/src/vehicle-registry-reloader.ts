import type { VehicleRegistry } from '@roadwatch/domain';
import { followRegistryChanges, type Bus, type Subscription } from '@roadwatch/messaging';
import { Reloader, type Logger } from '@roadwatch/runtime';

/** Only these entities' changes move a terminal's vehicle (a company's region comes with its vehicles). */
const GATEWAY_ENTITIES = new Set(['company', 'vehicle', 'terminal']);

/**
 * The gateway's registry from the database: reloaded at once when `registry.changes` tells
 * of a company, vehicle or terminal written through the API (a batch of changes → one
 * reload), and every `intervalMs` as a safety net for writes made elsewhere. A failed reload
 * keeps the last registry (Reloader).
 */
export const startVehicleRegistry = async (options: {
  load: () => Promise<VehicleRegistry>;
  intervalMs: number;
  logger: Logger;
  /** One group per gateway instance: every instance holds its own registry. */
  changes?: { bus: Bus; groupId: string };
}): Promise<{ readonly current: VehicleRegistry; reload(): Promise<boolean>; close(): Promise<void> }> => {
  const reloader = await Reloader.start({ name: 'vehicle registry', load: options.load, intervalMs: options.intervalMs, logger: options.logger });
  let subscription: Subscription | undefined;
  if (options.changes) {
    subscription = await followRegistryChanges(options.changes.bus, {
      groupId: options.changes.groupId,
      apply: async (changes) => {
        if (changes.some((change) => GATEWAY_ENTITIES.has(change.entity))) await reloader.reload();
      },
    });
    // A change committed between the first load and the group's start is in neither: read once more.
    await reloader.reload();
  }
  return {
    get current() {
      return reloader.current;
    },
    reload: () => reloader.reload(),
    close: async () => {
      await subscription?.close();
      await reloader.close();
    },
  };
};
