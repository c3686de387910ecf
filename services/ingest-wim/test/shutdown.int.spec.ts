import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { infraEnv, repoRoot, uniqueName } from '@roadwatch/testing';

/**
 * The process as deployed (`main.ts` through bootService) on the real Kafka and Redis: a
 * SIGTERM (Kubernetes stopping the pod) drains and ends with exit code 0, as every other
 * service does. NestJS's own shutdown hooks re-raised the signal after closing, so the process
 * died of it (143) and the orchestrator counted every clean stop as a failure.
 */
describe('ingest-wim main on SIGTERM', () => {
  const infra = infraEnv();
  const topicPrefix = `${uniqueName('wim_sigterm')}.`;

  afterAll(async () => {
    const admin = new Kafka({ brokers: infra.kafkaBrokers.split(','), clientId: 'wim-sigterm-cleanup', logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(topicPrefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.disconnect();
  });

  it('closes the HTTP server, the consumer and Redis, then exits 0 (not 143)', async () => {
    const root = repoRoot();
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'services/ingest-wim/src/main.ts')], {
      cwd: root,
      env: {
        ...process.env,
        KAFKA_BROKERS: infra.kafkaBrokers,
        REDIS_URL: infra.redisUrl,
        KAFKA_TOPIC_PREFIX: topicPrefix,
        REDIS_KEY_PREFIX: `${topicPrefix}:`,
        WIM_HTTP_PORT: '0',
        OPS_PORT: '0',
        OPS_HOST: '127.0.0.1',
        WIM_STATION_KEYS: `ST-SIGTERM=${randomBytes(24).toString('base64url')}`,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      // Ready once the ops server listens: everything before it (Kafka topics, the consumer, HTTP) has started.
      await vi.waitFor(
        () => {
          if (child.exitCode !== null) throw new Error(`ingest-wim exited (${child.exitCode}) before it was ready:\n${output}`);
          expect(output).toContain('ops server listening');
        },
        { timeout: 60_000, interval: 200 },
      );
      child.kill('SIGTERM');
      const { code, signal } = await exited;
      expect({ code, signal }, output).toEqual({ code: 0, signal: null });
      expect(output).toContain('"signal":"SIGTERM"');
      expect(output).not.toContain('error during shutdown');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 90_000);
});
