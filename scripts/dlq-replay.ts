/**
 * Replays the dead letters of one topic onto it, in cluster mode (real Kafka), once their
 * cause is fixed. Each dead letter is replayed once: the group `dlq-replay.<topic>` remembers.
 *
 *   npm run dlq:replay -- wim.measurements --dry-run            # list what would be replayed
 *   npm run dlq:replay -- wim.measurements                      # replay every new dead letter
 *   npm run dlq:replay -- alerts --reason 22003                 # only letters whose reason contains 22003
 *
 * Environment: KAFKA_BROKERS (default 127.0.0.1:9092), KAFKA_TOPIC_PREFIX (default none),
 * KAFKA_TOPIC_PARTITIONS (default 12, as the services).
 */
import { TOPICS, type TopicName } from '@roadwatch/contracts';
import { KafkaBus, replayDeadLetters } from '@roadwatch/messaging';

const args = process.argv.slice(2);
const topic = args.find((a) => !a.startsWith('--')) as TopicName | undefined;
const flag = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const topics = Object.values(TOPICS) as string[];
if (!topic || !topics.includes(topic)) {
  console.error(`usage: npm run dlq:replay -- <topic> [--dry-run] [--reason <text>] [--idle-ms <ms>]\n  topics: ${topics.join(', ')}`);
  process.exit(2);
}

const reason = flag('--reason');
const bus = new KafkaBus({
  brokers: (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','),
  clientId: 'dlq-replay',
  topicPrefix: process.env['KAFKA_TOPIC_PREFIX'] ?? '',
});
try {
  // Creates nothing that the platform would not (same partitions); a topic never written yet has an empty dead-letter topic.
  await bus.ensureTopics([{ topic, partitions: Number(process.env['KAFKA_TOPIC_PARTITIONS'] ?? 12) }]);
  const report = await replayDeadLetters({
    bus,
    topic,
    dryRun: args.includes('--dry-run'),
    idleMs: Number(flag('--idle-ms') ?? 5_000),
    ...(reason ? { accept: (letter) => letter.reason.includes(reason) } : {}),
    onLetter: (letter, outcome) =>
      console.log(
        `${letter.sourceTopic}[${letter.partition}]@${letter.offset} key=${letter.key ?? '-'} ${outcome.status}${outcome.status === 'skipped' ? ` (${outcome.why})` : ''} — refused for: ${letter.reason}`,
      ),
  });
  console.log(`${args.includes('--dry-run') ? 'would replay' : 'replayed'} ${report.replayed}, skipped ${report.skipped.length}`);
} finally {
  await bus.close();
}
