import { deadLetterTopicOf, type DeadLetterV1, type TopicName } from '@roadwatch/contracts';
import type { Bus, DeadLetterTopicName } from './bus';
import { deadLetterValueOf } from './codec';

/**
 * Puts dead letters back on the topic they were refused from, once their cause is fixed (a
 * column widened, a registry row corrected, a bug deployed away). The letters are read by a
 * consumer group of their own (`groupId`), so a second run replays only letters that arrived
 * since the first, and never the same letter twice. Each payload is published through the bus
 * like any message, so one that the contracts still refuse is reported, not published. The
 * run ends once no letter has arrived for `idleMs`.
 */
export interface ReplayOptions {
  bus: Bus;
  /** The topic whose dead letters are replayed (`wim.measurements` replays `wim.measurements.dlq`). */
  topic: TopicName;
  /** Consumer group remembering what was replayed; default `dlq-replay.<topic>`. */
  groupId?: string;
  /** Only letters this accepts are replayed (e.g. by reason); the others are skipped and reported. */
  accept?: (letter: DeadLetterV1) => boolean;
  /** List what would be replayed, publish nothing and commit nothing (a fresh group each run). */
  dryRun?: boolean;
  idleMs?: number;
  onLetter?: (letter: DeadLetterV1, outcome: ReplayOutcome) => void;
}

export type ReplayOutcome = { status: 'replayed' | 'would-replay' } | { status: 'skipped'; why: string };

export interface ReplayReport {
  replayed: number;
  skipped: Array<{ partition: number; offset: string; why: string }>;
}

export async function replayDeadLetters(options: ReplayOptions): Promise<ReplayReport> {
  const { bus, topic } = options;
  const idleMs = options.idleMs ?? 5_000;
  const dlq = deadLetterTopicOf(topic) as DeadLetterTopicName;
  const groupId = options.dryRun ? `dlq-dry-run.${topic}.${Date.now()}` : (options.groupId ?? `dlq-replay.${topic}`);
  const report: ReplayReport = { replayed: 0, skipped: [] };
  let lastActivityMs = Date.now();

  const handle = async (letter: DeadLetterV1): Promise<void> => {
    const skip = (why: string): void => {
      report.skipped.push({ partition: letter.partition, offset: letter.offset, why });
      options.onLetter?.(letter, { status: 'skipped', why });
    };
    if (options.accept && !options.accept(letter)) return skip('not selected');
    // JSON text, or a binary record (telemetry.positions, kept as base64); publish below validates it with zod again.
    const decoded = deadLetterValueOf(topic, letter);
    if (!decoded.ok) return skip(decoded.reason);
    const value = decoded.value;
    if (options.dryRun) {
      report.replayed += 1;
      options.onLetter?.(letter, { status: 'would-replay' });
      return;
    }
    try {
      // The bus validates against the topic's schema: a payload still refused stays a dead letter.
      await bus.publish(topic, [{ key: letter.key ?? '', value: value as never }]);
    } catch (error) {
      return skip(`refused again on publish: ${(error as Error).message}`);
    }
    report.replayed += 1;
    options.onLetter?.(letter, { status: 'replayed' });
  };

  const subscription = await bus.subscribe({
    groupId,
    topics: [dlq],
    fromBeginning: true,
    handleBatch: async (batch) => {
      for (const message of batch.messages) await handle(message.value as DeadLetterV1);
      lastActivityMs = Date.now();
    },
  });
  try {
    while (Date.now() - lastActivityMs < idleMs) await new Promise((resolve) => setTimeout(resolve, Math.min(250, idleMs)));
  } finally {
    await subscription.close();
  }
  return report;
}
