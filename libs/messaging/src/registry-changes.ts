import { TOPICS, type RegistryChangeV1 } from '@roadwatch/contracts';
import type { Bus, Subscription } from './bus';

export interface FollowRegistryChangesOptions {
  /**
   * One group per instance (`<service>-registry-<instanceId>`): every instance holds its own
   * copy of the registry, so every instance needs every change — instances must NOT share it.
   */
  groupId: string;
  /**
   * Called once per batch with its changes, in partition order; resolve once they are applied
   * (a reload). A batch of many changes is one call, so many changes make one reload.
   */
  apply(changes: readonly RegistryChangeV1[]): Promise<void>;
}

/**
 * Follows `registry.changes` from now on (what was written before, the first load read).
 * Delivery is at least once: `apply` must be idempotent, as a reload from the tables is.
 */
export const followRegistryChanges = (bus: Bus, options: FollowRegistryChangesOptions): Promise<Subscription> =>
  bus.subscribe({
    groupId: options.groupId,
    topics: [TOPICS.registryChanges],
    fromBeginning: false,
    handleBatch: async (batch) => {
      if (batch.messages.length > 0) await options.apply(batch.messages.map((message) => message.value));
    },
  });
