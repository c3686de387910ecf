import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TOPICS, type CommandResultV1, type PositionV1 } from '@roadwatch/contracts';
import { GeneralResult } from '@roadwatch/jt808';
import { KafkaBus } from '@roadwatch/messaging';
import { createSimulatedFleet, TestTerminal } from '@roadwatch/testing';
import { brokers, ensureGatewayTopics, quiet, readTopic } from './helpers';

/**
 * GATEWAY_WORKERS=2 over the real Kafka: the gateway's main as it runs in production, a primary
 * and two workers sharing the port. Connections land on both workers (counted from /proc);
 * a terminal registered through one worker authenticates through the other (the registrations
 * the primary keeps); a command reaches the terminal on whichever worker holds it and the other
 * stays silent (the connection directory the primary keeps); /metrics sums the workers; a
 * worker killed with SIGKILL is restarted, and its terminals come back with their auth codes.
 */
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const fleet = createSimulatedFleet(24);
const prefix = `t${Date.now().toString(36)}-${randomUUID().slice(0, 8)}.workers.`;
const instanceId = `workers-${process.pid}`;

const freePort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
};

/** The primary's worker processes: its children running the gateway's main (tsx also starts an esbuild child). */
const workerPids = (primaryPid: number): number[] =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return parent === primaryPid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('main.ts');
      } catch {
        return false;
      }
    })
    .map(Number);

/** Established TCP connections on `port` (the server side) per process, from /proc/net/tcp and each process's fds. */
const connectionsPerProcess = (pids: number[], port: number): Map<number, number> => {
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set(
    readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[1]?.endsWith(`:${portHex}`) && fields[3] === '01') // local port, ESTABLISHED
      .map((fields) => fields[9]!),
  );
  const counts = new Map<number, number>();
  for (const pid of pids) {
    let count = 0;
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match && inodes.has(match[1]!)) count++;
      } catch {
        // closed meanwhile
      }
    }
    counts.set(pid, count);
  }
  return counts;
};

let gateway: ChildProcess;
let bus: KafkaBus;
let port: number;
let opsPort: number;
const terminals: TestTerminal[] = [];

const connect = async (phone: string): Promise<TestTerminal> => {
  const terminal = await TestTerminal.connect({ host: '127.0.0.1', port, phone, answerTimeoutMs: 10_000 });
  terminals.push(terminal);
  return terminal;
};
const ops = async (path: string): Promise<{ status: number; body: string }> => {
  const response = await fetch(`http://127.0.0.1:${opsPort}${path}`);
  return { status: response.status, body: await response.text() };
};
const ready = async (): Promise<boolean> => (await ops('/ready').catch(() => ({ status: 0 }))).status === 200;

beforeAll(async () => {
  bus = new KafkaBus({ brokers, clientId: 'gateway-workers-e2e', topicPrefix: prefix, logger: quiet });
  await ensureGatewayTopics(bus);
  [port, opsPort] = [await freePort(), await freePort()];
  gateway = spawn(process.execPath, ['--import', 'tsx', 'services/gateway-jt808/src/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      GATEWAY_WORKERS: '2',
      GATEWAY_PORT: String(port),
      GATEWAY_HOST: '127.0.0.1',
      OPS_PORT: String(opsPort),
      OPS_HOST: '127.0.0.1',
      GATEWAY_INSTANCE_ID: instanceId,
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '3',
      VEHICLE_REGISTRY_SOURCE: `simulated:${fleet.length}`,
      CONNECTION_DIRECTORY: 'memory',
      TERMINAL_REGISTRATIONS: 'memory',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const deadline = Date.now() + 90_000;
  while (!(await ready())) {
    if (Date.now() > deadline || gateway.exitCode !== null) throw new Error('the gateway with two workers did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}, 120_000);

afterAll(async () => {
  for (const terminal of terminals) terminal.destroy();
  if (gateway && gateway.exitCode === null) {
    const exited = new Promise((resolve) => gateway.once('exit', resolve));
    gateway.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
  }
  await bus?.close();
}, 60_000);

describe('gateway workers (GATEWAY_WORKERS=2, real Kafka)', () => {
  it(
    'spreads connections over both workers, which share registrations, the connection directory and /metrics; a killed worker is restarted',
    { timeout: 120_000 },
    async () => {
      const workers = workerPids(gateway.pid!);
      expect(workers).toHaveLength(2);
      const positions = await readTopic<PositionV1>(bus, TOPICS.positions);
      const results = await readTopic<CommandResultV1>(bus, TOPICS.commandResults);
      try {
        // Sixteen terminals: the kernel spreads them over both workers.
        const reporters = fleet.slice(0, 16);
        const connected = await Promise.all(reporters.map((vehicle) => connect(vehicle.terminalPhone)));
        const codes = await Promise.all(connected.map((t, i) => t.register(reporters[i]!.facts.plate, reporters[i]!.facts.plateColour)));
        const perWorker = connectionsPerProcess(workers, port);
        expect([...perWorker.values()].reduce((sum, n) => sum + n, 0)).toBe(16);
        expect([...perWorker.values()].every((n) => n > 0)).toBe(true);

        // One terminal registered on one connection reconnects eight times, landing on either worker:
        // its code is accepted every time (one registry of auth codes). Each time the old connection
        // is gone first, as a terminal's is when it reconnects (a worker replaces an older session
        // of a terminal only when it holds that one itself).
        const wanderer = reporters[0]!;
        for (let i = 0; i < 8; i++) {
          await (i === 0 ? connected[0]! : terminals.at(-1)!).close();
          const again = await connect(wanderer.terminalPhone);
          expect(await again.authenticate(codes[0]!)).toBe(GeneralResult.Ok);
        }
        const wandererNow = terminals.at(-1)!;
        expect(await Promise.all(connected.slice(1).map((t, i) => t.authenticate(codes[i + 1]!)))).toEqual(connected.slice(1).map(() => GeneralResult.Ok));

        // Positions through both workers' producers, acknowledged after Kafka.
        const acks = await Promise.all(
          [wandererNow, ...connected.slice(1)].map((t, i) =>
            t.waitForAnswer(
              t.sendLocation({ latitudeDeg: 39.9 + i / 100, longitudeDeg: 116.4, speedKmh: 40, deviceTimeMs: Date.UTC(2026, 10, 23, 8, 0, i) }),
              10_000,
            ),
          ),
        );
        expect(acks.map((ack) => ack.messageId === 0x8001 && ack.body.result)).toEqual(acks.map(() => GeneralResult.Ok));
        await vi.waitUntil(() => new Set(positions.values.map((p) => p.vehicleId)).size === 16, {
          timeout: 60_000,
          interval: 20,
          message: 'sixteen vehicles on Kafka',
        });

        // /metrics sums the workers.
        const metrics = (await ops('/metrics')).body;
        expect(metrics).toMatch(/^roadwatch_gateway_authenticated_terminals\{[^}]*\} 16$/m);
        expect(metrics).toMatch(/^roadwatch_gateway_workers\{[^}]*\} 2$/m);

        // A command for each terminal: delivered by the worker holding it; the other worker stays silent.
        for (const t of [wandererNow, ...connected.slice(1)])
          t.onMessage((message) => {
            if (message.messageId === 0x8300) t.send(0x0001, { answerSerial: message.header.serial, answerMessageId: 0x8300, result: 0 });
          });
        const ids = reporters.map((vehicle) => vehicle.terminalPhone.replace(/^0+/, ''));
        await bus.publish(
          TOPICS.terminalCommands,
          ids.map((terminalId) => ({
            key: terminalId,
            value: { v: 1 as const, commandId: `w-${terminalId}`, terminalId, issuedAtMs: Date.now(), command: { type: 'text' as const, text: '请注意休息' } },
          })),
        );
        const final = (terminalId: string) => results.values.find((r) => r.commandId === `w-${terminalId}` && r.status !== 'sent');
        await vi.waitUntil(() => ids.every((id) => final(id) !== undefined), { timeout: 60_000, interval: 20, message: 'every command answered' });
        expect(ids.map((id) => final(id)?.status)).toEqual(ids.map(() => 'acknowledged'));
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        expect(results.values.filter((r) => r.status === 'undeliverable')).toEqual([]);

        // SIGKILL one worker: the primary starts another; its terminals reconnect with the codes they have.
        const [victim] = workers;
        const victimConnections = connectionsPerProcess([victim!], port).get(victim!)!;
        process.kill(victim!, 'SIGKILL');
        await vi.waitUntil(() => workerPids(gateway.pid!).length === 2 && !workerPids(gateway.pid!).includes(victim!), {
          timeout: 30_000,
          interval: 20,
          message: 'a new worker',
        });
        const readyDeadline = Date.now() + 60_000;
        while (!(await ready())) {
          if (Date.now() > readyDeadline) throw new Error('not ready again after the restart');
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
        expect((await ops('/metrics')).body).toMatch(/^roadwatch_gateway_worker_restarts_total\{[^}]*\} 1$/m);
        expect(victimConnections).toBeGreaterThan(0);
        const current = [wandererNow, ...connected.slice(1)];
        await vi.waitUntil(() => current.filter((t) => t.isClosed).length === victimConnections, {
          timeout: 10_000,
          interval: 20,
          message: 'the killed worker’s terminals disconnected',
        });
        for (const vehicle of reporters.slice(8)) {
          const back = await connect(vehicle.terminalPhone);
          expect(await back.authenticate(codes[reporters.indexOf(vehicle)]!)).toBe(GeneralResult.Ok);
        }
      } finally {
        await positions.close();
        await results.close();
      }
    },
  );
});
