import { seedLowerPlatform } from '@roadwatch/api';
import type { Logger } from '@roadwatch/runtime';
import { Jt809LowerPlatform, LiveFleet, type SimulatedVehicle } from '@roadwatch/simulator';
import type { StoragePool } from '@roadwatch/storage';

/** The demo's company platform (a service provider's, 2019 edition), as the registry has it. */
export const DEMO_LOWER_PLATFORM = {
  accessCode: 11_000_809,
  userId: 11_000_809,
  password: 'demo809',
  name: '北斗运营服务商监控平台（模拟）',
  providerName: '模拟北斗运营服务商',
} as const;

export interface Jt809Simulation {
  /** Positions forwarded over JT/T 809 since start. */
  positionsSent(): number;
  /** 查岗 and 督办 the simulated platform answered. */
  requestsAnswered(): number;
  stop(): Promise<void>;
}

/**
 * A simulated company platform forwarding part of the fleet over JT/T 809 (issue #17), so a new
 * user sees both ingest paths: registered as a lower platform (on first start; the admin may
 * change it), it logs in to the gateway-jt809, forwards its vehicles' positions every interval
 * (0x1200/0x1202), keeps the link alive (0x1005) and answers every 查岗 and 督办 it is sent.
 * Reconnects when its link drops.
 */
export const startJt809Simulation = async (options: {
  pool: StoragePool;
  fleet: readonly SimulatedVehicle[];
  gatewayPort: number;
  reportIntervalMs: number;
  logger: Logger;
}): Promise<Jt809Simulation> => {
  const { logger } = options;
  await seedLowerPlatform(
    options.pool,
    {
      accessCode: DEMO_LOWER_PLATFORM.accessCode,
      name: DEMO_LOWER_PLATFORM.name,
      providerName: DEMO_LOWER_PLATFORM.providerName,
      userId: DEMO_LOWER_PLATFORM.userId,
      password: DEMO_LOWER_PLATFORM.password,
      allowedSources: ['127.0.0.1', '::1'],
      encrypt: false,
      encryptKey: 0,
      m1: 0,
      ia1: 0,
      ic1: 0,
      protocolVersion: '2019',
      enabled: true,
    },
    { actor: 'system:demo-seed' },
  );
  let platform: Jt809LowerPlatform | undefined;
  let connecting = false;
  let positions = 0;
  let answered = 0;
  let ticks = 0;
  let stopped = false;
  const handled = new Set<unknown>();

  const connect = async (): Promise<void> => {
    if (connecting || stopped) return;
    connecting = true;
    try {
      await platform?.close();
      const next = await Jt809LowerPlatform.connect({
        host: '127.0.0.1',
        port: options.gatewayPort,
        accessCode: DEMO_LOWER_PLATFORM.accessCode,
        userId: DEMO_LOWER_PLATFORM.userId,
        password: DEMO_LOWER_PLATFORM.password,
        edition: '2019',
      });
      const { result } = await next.login();
      if (result !== 0) logger.warn({ result }, 'simulated JT/T 809 platform: login refused (changed in the registry?)');
      platform = next;
    } catch (error) {
      logger.warn({ err: error }, 'simulated JT/T 809 platform could not connect; retried at the next report');
    } finally {
      connecting = false;
    }
  };
  await connect();

  const live = new LiveFleet(options.fleet);
  let lastTickMs = Date.now();
  const timer = setInterval(() => {
    const nowMs = Date.now();
    const reports = live.tick(nowMs, nowMs - lastTickMs);
    lastTickMs = nowMs;
    if (!platform || platform.closed) {
      connect().catch((error: unknown) => logger.warn({ err: error }, 'simulated JT/T 809 platform: reconnect failed'));
      return;
    }
    const link = platform;
    reports.forEach((report, index) => {
      const vehicle = options.fleet[index];
      if (!vehicle) return;
      link.sendPosition({ plate: vehicle.facts.plate, plateColour: vehicle.facts.plateColour }, { ...report, deviceTimeMs: nowMs });
      positions++;
    });
    // A link test about every minute keeps the gateway from closing the link as idle.
    if (++ticks % Math.max(1, Math.round(60_000 / options.reportIntervalMs)) === 0) link.linkTest().catch(() => undefined);
    // Every 查岗 and 督办 the upper platform sent is answered (a duty officer at the company's platform).
    for (const message of [...link.subLinkReceived, ...link.received]) {
      if (handled.has(message)) continue;
      handled.add(message);
      if (message.messageId === 0x9300) {
        link.answerInspection(message, '值班员在岗，车辆运行正常（模拟平台应答）');
        answered++;
      } else if (message.messageId === 0x9400) {
        link.answerSupervision(message, 0);
        answered++;
      }
    }
  }, options.reportIntervalMs);

  logger.info(
    { accessCode: DEMO_LOWER_PLATFORM.accessCode, vehicles: options.fleet.length, gateway: `tcp://127.0.0.1:${options.gatewayPort}` },
    'simulated company platform forwards part of the fleet over JT/T 809',
  );
  return {
    positionsSent: () => positions,
    requestsAnswered: () => answered,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await platform?.close();
    },
  };
};
