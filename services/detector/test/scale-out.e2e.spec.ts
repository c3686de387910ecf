import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssignerProtocol, type Admin } from 'kafkajs';
import { Redis } from 'ioredis';
import { afterAll, expect, it, vi } from 'vitest';
import { TOPICS, type AlertV1, type PositionV1 } from '@roadwatch/contracts';
import { chinaLocalToEpochMs } from '@roadwatch/domain';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger, parseVehicleRegistry } from '@roadwatch/runtime';
import { createPool, dropStorageSchema, type StoragePool } from '@roadwatch/storage';
import { infraEnv, uniqueName, waitQuiet } from '@roadwatch/testing';
import { libsPositionRules } from '../src/rules/libs-position-rules';
import { OutputCollector } from './support/collector';
import { detectorTopicSpecs, publishPositions } from './support/harness';
import { positionOf, straightReports } from './support/positions';
import { failoverFleet } from './support/scenario';

/**
 * Scale-out shown, not claimed (issue #13 item 5): two detector and two archiver members, each
 * the real cluster `main.ts` in its own process, share the partitions of their groups on real
 * Kafka, Redis and PostgreSQL. Under load one detector and one archiver are SIGKILLed (no
 * close, no last commit, no last checkpoint); the survivors take their partitions over; the
 * killed ones are started again and the partitions spread back. Every position must be one
 * row, every alert (id, revision) must be what one detector alone makes of the same input
 * (the pure rules on the in-process bus), and the alerts table must hold each alert once at
 * its last revision.
 *
 * Runs in the `integration` project beside the other files: it kills only its own processes
 * and waits out their session timeout, never the shared servers — only its own processes,
 * topics (own prefix), groups, schema and Redis prefix. (The `failure` project is for specs
 * that kill the shared broker.)
 */
const env = infraEnv();
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const PARTITIONS = 6;
const VEHICLES = 200;
const REPORTS = 150;
/** Report rounds published before the kill, up to the restart, and after it. */
const ROUNDS_BEFORE_KILL = 50;
const ROUNDS_BEFORE_RESTART = 110;
/** Every eighth vehicle loses reports 40–49 (a tunnel); its terminal uploads them as 0x0704 blind-area reports after round 51, within the 3 min the detector holds reports after a silence. */
const BLIND_FROM = 40;
const BLIND_TO = 50;
const BLIND_UPLOAD_AFTER = 51;

const fleet = failoverFleet(VEHICLES);
const registryJson = JSON.stringify(
  fleet.map((facts, index) => ({ ...facts, terminalId: terminalOf(index), vehicleClass: facts.vehicleClass, companyId: facts.companyId })),
);
function terminalOf(index: number): string {
  return String(13_800_000_000 + index).padStart(12, '0');
}

/**
 * The input in publish order, as rounds: round i holds every vehicle's report i. Each vehicle
 * speeds in its own rhythm (many episodes, each a growing alert). The blind stretch of every
 * eighth vehicle is left out of its rounds and uploaded after round 51 (half of the uploads
 * newest first), received then.
 */
const inputRounds = (): PositionV1[][] => {
  // 09:00 China time two days ago: a recent day, so the archiver's partition upkeep and retention keep the rows.
  const today = new Date(Date.now() + 8 * 3_600_000);
  const startMs = chinaLocalToEpochMs(today.getUTCFullYear(), today.getUTCMonth() + 1, today.getUTCDate(), 9, 0) - 2 * 86_400_000;
  const tracks = fleet.map((facts, vehicleIndex) =>
    straightReports(facts.vehicleId, terminalOf(vehicleIndex), startMs, REPORTS, (index) =>
      (index + vehicleIndex) % (7 + (vehicleIndex % 5)) < 3 ? 150 : 85,
    ).map((report) => positionOf(report)),
  );
  const blind = (vehicleIndex: number, index: number) => vehicleIndex % 8 === 0 && index >= BLIND_FROM && index < BLIND_TO;
  const rounds: PositionV1[][] = [];
  for (let index = 0; index < REPORTS; index++) {
    rounds.push(tracks.flatMap((track, vehicleIndex) => (blind(vehicleIndex, index) ? [] : [track[index]!])));
    if (index !== BLIND_UPLOAD_AFTER) continue;
    const uploadedAtMs = tracks[0]![BLIND_UPLOAD_AFTER]!.receivedAtMs;
    rounds[index]!.push(
      ...tracks.flatMap((track, vehicleIndex) => {
        if (vehicleIndex % 8 !== 0) return [];
        const stretch = track.slice(BLIND_FROM, BLIND_TO).map((p, k) => ({ ...p, source: 'blind-area' as const, receivedAtMs: uploadedAtMs + k }));
        return vehicleIndex % 16 === 0 ? stretch.reverse() : stretch;
      }),
    );
  }
  return rounds;
};

interface ServiceProcess {
  name: string;
  process: ChildProcess;
  output(): string;
  opsPort: Promise<number>;
  exited: Promise<number | null>;
}

/** A cluster service's own `main.ts` in a Node process of its own (tsx), as a pod runs it. */
const startService = (name: string, main: string, serviceEnv: Record<string, string>): ServiceProcess => {
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    cwd: repoRoot,
    env: { ...process.env, ...serviceEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const opsPort = new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const port = /"opsPort":(\d+)[^\n]*"msg":"ops server listening"/.exec(output)?.[1];
      if (port) resolve(Number(port));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before it served:\n${output.slice(-4_000)}`)));
  });
  opsPort.catch(() => undefined);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, process: child, output: () => output, opsPort, exited };
};

/** One counter or gauge of a member's /metrics, summed over the series matching `labels`. */
const metricOf = async (service: ServiceProcess, metric: string, labels: Record<string, string> = {}): Promise<number> => {
  const text = await (await fetch(`http://127.0.0.1:${await service.opsPort}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`) && !line.startsWith(`${metric} `)) continue;
    if (Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
};

/** The broker's view of a group: its state and each member's partitions of `topic`. */
const groupView = async (admin: Admin, groupId: string, topic: string): Promise<{ state: string; members: number[][] }> => {
  const { groups } = await admin.describeGroups([groupId]);
  const group = groups[0]!;
  return {
    state: group.state,
    members: group.members.map((member) =>
      [...(AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment[topic] ?? [])].sort((a, b) => a - b),
    ),
  };
};

/** Until the group is stable with `members` members, each owning some of the topic's partitions and together all of them. */
/** The partitions of `topic` by member once the group is stable with `members` members sharing all of them. */
const spreadOf = (admin: Admin, groupId: string, topic: string, members: number, timeoutMs: number): Promise<number[][]> => {
  let last: unknown;
  return vi
    .waitUntil(
      async () => {
        const view = await groupView(admin, groupId, topic);
        last = view;
        const owned = view.members.flat();
        const spread =
          view.state === 'Stable' && view.members.length === members && view.members.every((p) => p.length > 0) && new Set(owned).size === PARTITIONS;
        return spread && view.members;
      },
      {
        timeout: timeoutMs,
        interval: 250,
        message: `${groupId}: not ${members} members sharing ${topic} after ${timeoutMs} ms`,
      },
    )
    .catch((error: unknown) => {
      throw new Error(`${String(error)}: ${JSON.stringify(last)}`);
    });
};

/** CPU seconds a process has used (user + system), from /proc. */
const cpuSecondsOf = (pid: number | undefined): number => {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
};

const pairOf = (alert: AlertV1) => `${alert.alertId}@${alert.revision}`;

/** Positions published in chunks, one chunk every `everyMs`: a steady stream, as terminals report. */
const publishPaced = async (bus: KafkaBus, positions: readonly PositionV1[], chunk: number, everyMs: number): Promise<void> => {
  for (let start = 0; start < positions.length; start += chunk) {
    const next = Date.now() + everyMs;
    await publishPositions(bus, positions.slice(start, start + chunk));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
  }
};

/** A growing count sampled over time: how much it grew after a moment, and at what rate until it last grew. */
class Progress {
  private readonly samples: Array<{ atMs: number; value: number }> = [];
  observe(value: number): void {
    this.samples.push({ atMs: Date.now(), value });
  }
  private since(sinceMs: number): { grown: number; durationMs: number } {
    const from = this.samples.filter((sample) => sample.atMs <= sinceMs).at(-1) ?? this.samples[0];
    const last = this.samples.at(-1);
    if (!from || !last) return { grown: 0, durationMs: 0 };
    const grewAt = this.samples.find((sample) => sample.value === last.value)!.atMs;
    return { grown: last.value - from.value, durationMs: Math.max(0, grewAt - sinceMs) };
  }
  /** How much it grew over all the samples. */
  total(): number {
    return (this.samples.at(-1)?.value ?? 0) - (this.samples[0]?.value ?? 0);
  }
  ratePerS(sinceMs: number): number {
    const { grown, durationMs } = this.since(sinceMs);
    return durationMs > 0 ? (grown * 1000) / durationMs : 0;
  }
  describe(sinceMs: number): string {
    const { grown, durationMs } = this.since(sinceMs);
    return `${grown} positions in ${(durationMs / 1000).toFixed(1)} s (${this.ratePerS(sinceMs).toFixed(0)}/s)`;
  }
}

const children: ServiceProcess[] = [];
let cleanup: () => Promise<void> = async () => {};
afterAll(async () => {
  for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
  // The members' own logs, for a failure's post-mortem.
  const logDir = mkdtempSync(join(tmpdir(), 'scale-out-'));
  for (const child of children) writeFileSync(join(logDir, `${child.name}.log`), child.output());
  console.info(`members' logs in ${logDir}`);
  await cleanup();
});

it('two detectors and two archivers share the partitions; one of each SIGKILLed under load and restarted: every position once, the alerts of one detector alone', async () => {
  const name = uniqueName('scale_out');
  const prefix = `${name}.`;
  const redisPrefix = `test:${name}:`;
  const groups = { detector: `${name}-detector`, archiver: `${name}-archiver` };
  const physicalPositions = `${prefix}${TOPICS.positions}`;
  const logger = createLogger('scale-out-test', 'warn');
  const bus = new KafkaBus({ brokers: env.kafkaBrokers.split(','), clientId: 'scale-out-test', topicPrefix: prefix, logger });
  const admin = bus.kafka.admin();
  await admin.connect();
  const pool: StoragePool = createPool(env.databaseUrl, { schema: name, max: 2, application: 'scale-out-test' });
  const redis = new Redis(env.redisUrl);
  const closers: Array<() => Promise<void>> = [];
  cleanup = async () => {
    for (const close of closers) await close();
    await admin.disconnect();
    await bus.close();
    await dropStorageSchema(pool, name).catch(() => undefined);
    await pool.end();
    const keys = await redis.keys(`${redisPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  };

  const rounds = inputRounds();
  const before = rounds.slice(0, ROUNDS_BEFORE_KILL).flat();
  const during = rounds.slice(ROUNDS_BEFORE_KILL, ROUNDS_BEFORE_RESTART).flat();
  const after = rounds.slice(ROUNDS_BEFORE_RESTART).flat();
  const input = [...before, ...during, ...after];
  expect(input).toHaveLength(VEHICLES * REPORTS);

  // What one detector alone makes of the input: the pure rules over each vehicle's positions in publish order, state never leaving memory.
  const directory = parseVehicleRegistry(registryJson, 'test registry');
  const referenceOf = (positions: readonly PositionV1[]): AlertV1[] => {
    const rules = libsPositionRules();
    const states = new Map<string, unknown>();
    const alerts: AlertV1[] = [];
    for (const position of positions) {
      const result = rules.process(directory.byVehicleId(position.vehicleId)!, states.get(position.vehicleId), position, Date.now());
      states.set(position.vehicleId, result.state);
      alerts.push(...result.alerts);
    }
    return alerts;
  };
  const reference = referenceOf(input);
  const referenceUpToRestart = referenceOf([...before, ...during]);
  const expectedPairs = new Set(reference.map(pairOf));
  const expectedLatest = new Map<string, number>();
  for (const alert of reference) expectedLatest.set(alert.alertId, Math.max(expectedLatest.get(alert.alertId) ?? -1, alert.revision));
  expect(expectedPairs.size).toBe(reference.length);
  expect(expectedLatest.size).toBeGreaterThan(VEHICLES * 5);
  expect(reference.some((alert) => alert.rule === 'speeding' && alert.revision > 0)).toBe(true);
  // The blind-area upload is judged (held, then fed in device-time order): same output whatever its order.
  expect(reference.filter((alert) => alert.rule === 'data_gap_moved')).toEqual([]);

  await bus.ensureTopics([
    ...detectorTopicSpecs(PARTITIONS).map((spec) => ({ ...spec, partitions: PARTITIONS })),
    { topic: TOPICS.registryChanges, partitions: 1 },
  ]);
  const common = {
    KAFKA_BROKERS: env.kafkaBrokers,
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
    // A crashed member's partitions are handed on after 6 s (the broker's minimum) rather than the default 30 s.
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    DATABASE_URL: env.databaseUrl,
    DATABASE_SCHEMA: name,
    REDIS_URL: env.redisUrl,
    REDIS_KEY_PREFIX: redisPrefix,
    OPS_HOST: '127.0.0.1',
    OPS_PORT: '0',
    LOG_LEVEL: 'info',
  };
  // Timers off: they release and snapshot by the wall clock, which a reference run cannot repeat; the batch path is what a kill tests.
  const detectorEnv = { ...common, DETECTOR_GROUP_ID: groups.detector, VEHICLE_REGISTRY_JSON: registryJson, TIMERS_INTERVAL_MS: '0', MIGRATE: 'false' };
  const archiverEnv = { ...common, ARCHIVER_GROUP_ID: groups.archiver, DATABASE_POOL_SIZE: '4', ARCHIVER_PARTITIONS_CONCURRENTLY: '4' };
  const detector = (label: string) => startService(label, 'services/detector/src/main.ts', detectorEnv);
  const archiver = (label: string) => startService(label, 'services/archiver/src/main.ts', archiverEnv);

  // Archivers first: they create the schema (both migrate; the advisory lock serialises them).
  const archivers = [archiver('archiver-1'), archiver('archiver-2')];
  children.push(...archivers);
  await Promise.all(archivers.map((service) => service.opsPort));
  const detectors = [detector('detector-1'), detector('detector-2')];
  children.push(...detectors);
  await Promise.all(detectors.map((service) => service.opsPort));
  const collector = await OutputCollector.start(bus, `${name}-collector`);
  closers.push(() => collector.close());
  const shared = {
    detector: await spreadOf(admin, groups.detector, physicalPositions, 2, 60_000),
    archiver: await spreadOf(admin, groups.archiver, physicalPositions, 2, 60_000),
  };
  console.info(`positions partitions by member (broker's view): detectors ${JSON.stringify(shared.detector)}, archivers ${JSON.stringify(shared.archiver)}`);

  const storedCount = async () => Number((await pool.query('SELECT count(*)::int AS n FROM positions')).rows[0].n);
  let stored = 0;
  const samples: Array<{ atMs: number; stored: number }> = [];
  // Sampled in the background; a failed count is reported and the waits below time out if it keeps failing.
  const sampler = setInterval(() => {
    void storedCount()
      .then((n) => {
        stored = n;
        samples.push({ atMs: Date.now(), stored: n });
      })
      .catch((error: unknown) => console.error('positions count failed', error));
  }, 500);
  try {
    await publishPositions(bus, before, 200);
    // Each member of each group handles positions of its own partitions.
    await vi.waitUntil(() => stored === before.length, { timeout: 90_000, message: `${before.length} positions stored by both archivers` });
    for (const service of [...detectors, ...archivers]) {
      const handled = service.name.startsWith('detector')
        ? await metricOf(service, 'roadwatch_detector_events_total', { topic: TOPICS.positions })
        : await metricOf(service, 'roadwatch_archiver_messages_total', { topic: TOPICS.positions });
      console.info(`${service.name} handled ${handled} positions before the kill`);
      expect(handled).toBeGreaterThan(0);
    }

    // Under load: the next stretch goes out as a steady stream (~330 positions/s) while one detector and one archiver are SIGKILLed.
    const publishing = publishPaced(bus, during, 200, 600);
    await vi.waitUntil(() => stored > before.length + during.length / 5, { timeout: 90_000, message: 'the members busy with the second stretch' });
    const killedAtMs = Date.now();
    const cpuAtKill = { detector: cpuSecondsOf(detectors[0]!.process.pid), archiver: cpuSecondsOf(archivers[0]!.process.pid) };
    detectors[1]!.process.kill('SIGKILL');
    archivers[1]!.process.kill('SIGKILL');
    expect(await detectors[1]!.exited).toBeNull();
    expect(await archivers[1]!.exited).toBeNull();
    console.info(`killed detector-2 and archiver-2 with ${stored} of ${before.length + during.length} positions stored`);

    // From the kill on: what the survivors have stored and handled, sampled, to read their throughput after the takeover.
    const handledBySurvivor = () => metricOf(detectors[0]!, 'roadwatch_detector_events_total', { topic: TOPICS.positions });
    const progress = { stored: new Progress(), detected: new Progress() };
    const pairsUpToRestart = new Set(referenceUpToRestart.map(pairOf));
    const seen = () => new Set(collector.alerts.map(pairOf));
    let caughtUp = false;
    const sampling = (async () => {
      for (const deadline = Date.now() + 150_000; !caughtUp && Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 250))) {
        progress.stored.observe(stored);
        progress.detected.observe(await handledBySurvivor());
        caughtUp = stored === before.length + during.length && [...pairsUpToRestart].every((pair) => seen().has(pair));
      }
    })();

    // The survivors own every partition once the broker has given the dead members up (their session timeout).
    const [detectorsTookOverAtMs, archiversTookOverAtMs] = await Promise.all(
      [groups.detector, groups.archiver].map((groupId) => spreadOf(admin, groupId, physicalPositions, 1, 90_000).then(() => Date.now())),
    );
    await publishing;
    await sampling;
    if (!caughtUp) {
      const missing = [...pairsUpToRestart].filter((pair) => !seen().has(pair));
      throw new Error(
        `the survivors did not catch up within 150 s of the kill: ${stored} of ${before.length + during.length} positions stored, ` +
          `${missing.length} (alertId, revision) pairs of one detector alone never came, e.g. ${missing.slice(0, 3).join(', ')}`,
      );
    }
    const cpu = {
      detector: cpuSecondsOf(detectors[0]!.process.pid) - cpuAtKill.detector,
      archiver: cpuSecondsOf(archivers[0]!.process.pid) - cpuAtKill.archiver,
    };
    const perPositionUs = (cpuSeconds: number, positions: number) => (positions > 0 ? ((cpuSeconds * 1e6) / positions).toFixed(0) : '—');
    const secondsAfterKill = (atMs: number) => `${((atMs - killedAtMs) / 1000).toFixed(1)} s`;
    console.info(
      `the survivors own every partition ${secondsAfterKill(detectorsTookOverAtMs!)} (detector) and ${secondsAfterKill(archiversTookOverAtMs!)} (archiver) after the kill; ` +
        `then the surviving archiver stored ${progress.stored.describe(archiversTookOverAtMs!)} and the surviving detector handled ` +
        `${progress.detected.describe(detectorsTookOverAtMs!)} (redelivered ones included) until caught up; ` +
        `survivors' CPU since the kill: detector ${cpu.detector.toFixed(1)} s (${perPositionUs(cpu.detector, progress.detected.total())} µs a position), ` +
        `archiver ${cpu.archiver.toFixed(1)} s (${perPositionUs(cpu.archiver, progress.stored.total())} µs a position)`,
    );
    // Both had work left when they took over (the dead members' backlog and the rest of the stream), and did it.
    expect(progress.stored.ratePerS(archiversTookOverAtMs!)).toBeGreaterThan(0);
    expect(progress.detected.ratePerS(detectorsTookOverAtMs!)).toBeGreaterThan(0);

    // The killed members come back: the partitions spread over two members again.
    const restarted = { detector: detector('detector-2b'), archiver: archiver('archiver-2b') };
    children.push(restarted.detector, restarted.archiver);
    await Promise.all([restarted.detector.opsPort, restarted.archiver.opsPort]);
    const spreadBack = {
      detector: await spreadOf(admin, groups.detector, physicalPositions, 2, 90_000),
      archiver: await spreadOf(admin, groups.archiver, physicalPositions, 2, 90_000),
    };
    console.info(`after the restart (broker's view): detectors ${JSON.stringify(spreadBack.detector)}, archivers ${JSON.stringify(spreadBack.archiver)}`);
    await publishPositions(bus, after, 200);
    await vi.waitUntil(() => stored === input.length, { timeout: 120_000, message: `all ${input.length} positions stored` });
    await vi.waitUntil(() => [...expectedPairs].every((pair) => seen().has(pair)), {
      timeout: 120_000,
      message: `all ${expectedPairs.size} (alertId, revision) pairs`,
    });
    await waitQuiet(() => collector.alerts.length, 2_000, 30_000);
    for (const service of [restarted.detector, restarted.archiver]) {
      const handled =
        service === restarted.detector
          ? await metricOf(service, 'roadwatch_detector_events_total', { topic: TOPICS.positions })
          : await metricOf(service, 'roadwatch_archiver_messages_total', { topic: TOPICS.positions });
      console.info(`${service.name} handled ${handled} positions after its restart`);
      expect(handled).toBeGreaterThan(0);
    }
  } finally {
    clearInterval(sampler);
  }

  // Nothing lost, nothing twice: every position exactly one row.
  const { rows: positionRows } = await pool.query<{ vehicle_id: string; t: string }>(
    `SELECT vehicle_id, (extract(epoch FROM device_time) * 1000)::bigint::text AS t FROM positions`,
  );
  const storedKeys = positionRows.map((row) => `${row.vehicle_id}@${row.t}`);
  expect(storedKeys).toHaveLength(input.length);
  expect(new Set(storedKeys)).toEqual(new Set(input.map((p) => `${p.vehicleId}@${p.deviceTimeMs}`)));

  // The alerts on the topic: exactly the single-instance run's (alertId, revision) pairs, with the same content.
  const actualPairs = new Set(collector.alerts.map(pairOf));
  expect([...expectedPairs].filter((pair) => !actualPairs.has(pair))).toEqual([]);
  expect([...actualPairs].filter((pair) => !expectedPairs.has(pair))).toEqual([]);
  const referenceByPair = new Map(reference.map((alert) => [pairOf(alert), alert]));
  for (const alert of collector.alerts) expect(alert).toEqual(referenceByPair.get(pairOf(alert)));

  // The alerts table: each alert once, at its last revision (a re-published older revision never wins).
  // The archivers may still be writing the last alerts: read until the table holds them (or the deadline), then compare.
  const storedAlerts = async () => (await pool.query<{ alert_id: string; revision: number }>('SELECT alert_id, revision FROM alerts')).rows;
  let alertRows = await storedAlerts();
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; alertRows = await storedAlerts()) {
    if (alertRows.length >= expectedLatest.size && alertRows.every((row) => row.revision === expectedLatest.get(row.alert_id))) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  expect(alertRows).toHaveLength(expectedLatest.size);
  expect(new Map(alertRows.map((row) => [row.alert_id, row.revision]))).toEqual(expectedLatest);

  const republished = collector.republished().length;
  console.info(
    `scale-out: ${input.length} positions stored once; ${expectedPairs.size} (alertId, revision) pairs of ${expectedLatest.size} alerts as one detector alone; ` +
      `${republished} pairs re-published after the kill (the in-flight batches of the killed detector); stored positions over time: ` +
      `${samples.length} samples`,
  );
}, 300_000);
