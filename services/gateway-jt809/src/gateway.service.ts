import { createServer, type AddressInfo, type Socket } from 'node:net';
import { TOPICS, type PositionV1 } from '@roadwatch/contracts';
import type { Bus } from '@roadwatch/messaging';
import { createLogger, ServiceMetrics, verifyPassword as verifyScrypt, type Logger } from '@roadwatch/runtime';
import type { PlatformLinkRequest } from '@roadwatch/storage';
import type { OutboundMessage } from './link-messages';
import { Jt809Metrics } from './metrics';
import { PlatformLink, type LinkStore, type LowerPlatformDirectory } from './platform-link';
import type { PlateVehicleLookup } from './position-mapper';
import { SubLink } from './sub-link';
import { isWireError, type Jt809Wire } from './wire';

/** Requests (查岗, 督办) the API created and a link must carry (libs/storage's `LowerPlatformLinkRepository`). */
export interface RequestOutbox {
  unsentRequests(accessCodes: readonly number[]): Promise<PlatformLinkRequest[]>;
  markSent(requestId: string, sentAtMs: number): Promise<void>;
}

export interface Jt809GatewayOptions {
  bus: Bus;
  wire: Jt809Wire;
  platforms: LowerPlatformDirectory;
  store: LinkStore & RequestOutbox;
  vehicles: PlateVehicleLookup;
  /** 0 = any free port (tests). */
  port: number;
  host?: string;
  logger?: Logger;
  metrics?: ServiceMetrics;
  now?: () => number;
  /** A link that sent nothing (link tests count) for this long is closed. Default 180 s (809's link test is every 60 s). */
  idleTimeoutMs?: number;
  /** A connection not logged in this long after it opened is closed. Default 30 s. */
  loginDeadlineMs?: number;
  /** How often unsent 查岗 / 督办 are looked for. Default 1 s. */
  requestPollMs?: number;
  /** Sub-link reopening delay (doubling, up to 8×) and link-test period. */
  subLinkRetryMs?: number;
  subLinkTestMs?: number;
  /** Consecutive unreadable frames or bytes before a connection is dropped as garbage. Default 16. */
  maxConsecutiveErrors?: number;
  /** Password check (default scrypt, libs/runtime); tests may pass a cheaper one. */
  verifyPassword?: (password: string, hash: string) => Promise<boolean>;
}

export interface RunningJt809Gateway {
  port: number;
  host: string;
  /** Logged-in platforms, by access code. */
  loggedIn(): number[];
  /** Whether the platform's sub-link is up. */
  subLinkUp(accessCode: number): boolean;
  readiness(): { listening: boolean };
  close(): Promise<void>;
}

/**
 * The JT/T 809 upper-platform gateway: lower platforms (company or service-provider
 * platforms) connect to its main link, log in, and forward their vehicles' positions, which
 * go onto `telemetry.positions` like the JT/T 808 gateway's — tagged with the platform — and
 * are judged like any other. Each link is handled on its own (`PlatformLink`): one slow or
 * broken platform never stalls another.
 */
export const startJt809Gateway = async (options: Jt809GatewayOptions): Promise<RunningJt809Gateway> => {
  const logger = options.logger ?? createLogger('gateway-jt809');
  const metrics = new Jt809Metrics(options.metrics ?? new ServiceMetrics('gateway-jt809'));
  const now = options.now ?? Date.now;
  const idleTimeoutMs = options.idleTimeoutMs ?? 180_000;
  const loginDeadlineMs = options.loginDeadlineMs ?? 30_000;
  const maxConsecutiveErrors = options.maxConsecutiveErrors ?? 16;
  const links = new Set<PlatformLink>();
  const byAccessCode = new Map<number, PlatformLink>();
  const subLinks = new Map<PlatformLink, SubLink>();

  const publishPositions = (positions: PositionV1[]): Promise<void> =>
    options.bus.publish(
      TOPICS.positions,
      positions.map((position) => ({ key: position.vehicleId, value: position })),
      { validated: true },
    );

  const closeSubLink = (link: PlatformLink): void => {
    subLinks.get(link)?.close();
    subLinks.delete(link);
    metrics.subLinks.set([...subLinks.values()].filter((s) => s.isUp).length);
  };

  const onConnection = (socket: Socket): void => {
    socket.setNoDelay(true);
    const deframer = options.wire.deframer();
    let consecutiveErrors = 0;
    const link = new PlatformLink(
      {
        remoteAddress: socket.remoteAddress ?? '',
        write: (bytes) => {
          if (!socket.destroyed) socket.write(bytes);
        },
        pause: () => socket.pause(),
        resume: () => socket.resume(),
        close: () => socket.end(),
      },
      {
        wire: options.wire,
        platforms: options.platforms,
        verifyPassword: options.verifyPassword ?? verifyScrypt,
        vehicles: options.vehicles,
        publishPositions,
        store: options.store,
        nowMs: now,
        logger,
        metrics,
        onLoggedIn: (loggedIn, login) => {
          const accessCode = loggedIn.accessCode!;
          const older = byAccessCode.get(accessCode);
          // The platform reconnected: the new link replaces the old one.
          if (older && older !== loggedIn) older.close('replaced');
          byAccessCode.set(accessCode, loggedIn);
          metrics.loggedIn.set(byAccessCode.size);
          subLinks.set(
            loggedIn,
            new SubLink({
              wire: options.wire,
              params: loggedIn.linkParams!,
              host: login.downLinkIp,
              port: login.downLinkPort,
              verifyCode: login.verifyCode,
              nextSerial: () => loggedIn.nextSerial(),
              nowMs: now,
              logger,
              retryDelayMs: options.subLinkRetryMs ?? 5_000,
              testIntervalMs: options.subLinkTestMs ?? 60_000,
              onStateChange: () => metrics.subLinks.set([...subLinks.values()].filter((s) => s.isUp).length),
            }),
          );
        },
        onClosed: (closed) => {
          links.delete(closed);
          if (closed.accessCode !== undefined && byAccessCode.get(closed.accessCode) === closed) byAccessCode.delete(closed.accessCode);
          metrics.loggedIn.set(byAccessCode.size);
          closeSubLink(closed);
        },
      },
    );
    links.add(link);
    metrics.links.inc();
    socket.on('data', (bytes) => {
      for (const frame of deframer.push(bytes)) {
        if (isWireError(frame)) {
          metrics.decodeError(frame.kind);
          consecutiveErrors += 1;
          if (consecutiveErrors >= maxConsecutiveErrors) {
            logger.warn({ accessCode: link.accessCode, address: socket.remoteAddress }, 'jt809: nothing but garbage; closing');
            link.close('garbage');
            return;
          }
          continue;
        }
        consecutiveErrors = 0;
        link.receive(frame);
      }
    });
    socket.on('error', (error) => logger.debug({ err: error.message, accessCode: link.accessCode }, 'jt809: socket error'));
    socket.on('close', () => {
      metrics.links.dec();
      link.close('disconnected');
    });
  };

  const server = createServer(onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  logger.info({ port: address.port }, 'jt809 gateway listening');

  // Idle links and connections that never log in, swept instead of a timer per socket.
  const sweep = setInterval(
    () => {
      const atMs = now();
      for (const link of links) {
        if (!link.loggedIn && atMs - link.openedAtMs > loginDeadlineMs) link.close('login-deadline');
        else if (atMs - link.lastReceivedAtMs > idleTimeoutMs) link.close('idle');
      }
    },
    Math.min(5_000, Math.max(100, Math.floor(Math.min(idleTimeoutMs, loginDeadlineMs) / 10))),
  );
  sweep.unref();

  // 查岗 and 督办 the API created: sent on the platform's sub-link, or its main link while that is down.
  let polling = false;
  const poll = async (): Promise<void> => {
    if (polling || byAccessCode.size === 0) return;
    polling = true;
    try {
      for (const request of await options.store.unsentRequests([...byAccessCode.keys()])) {
        const link = byAccessCode.get(request.accessCode);
        if (!link) continue;
        const message = outboundOf(request);
        const serial = subLinks.get(link)?.send(message) ?? link.send(message);
        if (serial !== undefined && request.kind === 'inspection') link.sentInspection(serial, request.infoId);
        await options.store.markSent(request.requestId, now());
        logger.info({ accessCode: request.accessCode, requestId: request.requestId, kind: request.kind, infoId: request.infoId }, 'jt809: request sent');
      }
    } catch (error) {
      logger.warn({ err: error }, 'jt809: sending requests failed; retried at the next poll');
    } finally {
      polling = false;
    }
  };
  const poller = setInterval(() => {
    poll().catch((error: unknown) => logger.error({ err: error }, 'jt809: request poll failed'));
  }, options.requestPollMs ?? 1_000);
  poller.unref();

  return {
    port: address.port,
    host: options.host ?? '0.0.0.0',
    loggedIn: () => [...byAccessCode.keys()],
    subLinkUp: (accessCode) => {
      const link = byAccessCode.get(accessCode);
      return link !== undefined && (subLinks.get(link)?.isUp ?? false);
    },
    readiness: () => ({ listening: server.listening }),
    close: async () => {
      clearInterval(sweep);
      clearInterval(poller);
      for (const link of [...links]) link.close('shutdown');
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

/** 查岗: OBJECT_TYPE 0x01, the platform itself (JT/T 809-2011 §4.5.4.2.1), OBJECT_ID its access code. */
const outboundOf = (request: PlatformLinkRequest): OutboundMessage => {
  if (request.kind === 'inspection')
    return {
      kind: 'inspection-request',
      objectType: 0x01,
      objectId: String(request.accessCode),
      infoId: request.infoId,
      question: request.question,
      answerTimeMin: Math.max(1, Math.round((request.deadlineAtMs - request.createdAtMs) / 60_000)),
    };
  const detail = (request.detail ?? {}) as Partial<{
    plate: string;
    plateColour: number;
    warnSrc: number;
    warnType: number;
    warnAtMs: number;
    level: number;
    supervisor: string;
    phone: string;
    email: string;
  }>;
  return {
    kind: 'supervision-request',
    vehicle: { plate: detail.plate ?? '', plateColour: detail.plateColour ?? 0 },
    warnSrc: detail.warnSrc ?? 3,
    warnType: detail.warnType ?? 0,
    warnAtMs: detail.warnAtMs ?? request.createdAtMs,
    supervisionId: request.infoId,
    deadlineAtMs: request.deadlineAtMs,
    level: detail.level ?? 0,
    supervisor: detail.supervisor ?? '',
    phone: detail.phone ?? '',
    email: detail.email ?? '',
  };
};
