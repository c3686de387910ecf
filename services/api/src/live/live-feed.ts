import type { Namespace, Server, Socket } from 'socket.io';
import {
  LIVE_EVENTS,
  LIVE_NAMESPACE,
  describeZodError,
  liveSubscribe,
  type AlertAckEvent,
  type AlertV1,
  type InspectionLiveEvent,
  type Bbox,
  type LivePosition,
  type LiveSubscribeAck,
  type PositionsBatch,
  type PositionV1,
  type SessionEnded,
  type HandlingChangeV1,
  type HandlingLiveEvent,
} from '@roadwatch/contracts';
import { DEFAULT_CLOCK_SKEW_MS, replacesLatest } from '@roadwatch/domain';
import type { Logger, ServiceMetrics } from '@roadwatch/runtime';
import { vehicleRecordOwner } from '@roadwatch/storage';
import { Scope } from '../auth/scope';
import type { Session, Sessions } from '../auth/sessions';
import { alertItemOf } from '../repositories/alerts.repository';
import type { LatestLike, LatestPositionsPort } from '../repositories/vehicles.repository';
import { asciiJson, PreEncoded } from './live-parser';
import type { Owner, VehicleOwnerCache } from './vehicle-owner-cache';

/** A socket's effective filter: its scope AND what it subscribed to. Equal filters share a room. */
interface Filter {
  key: string;
  scope: Scope;
  companyId?: string | undefined;
  viewport?: Bbox | undefined;
  alerts: boolean;
  members: number;
}

const inBbox = (b: Bbox, lat: number, lon: number): boolean =>
  lat >= b.south && lat <= b.north && (b.west <= b.east ? lon >= b.west && lon <= b.east : lon >= b.west || lon <= b.east);

const round = (x: number): string => x.toFixed(4);

/** Each socket joins its user's room, so a change to the user reaches exactly their sockets. */
const userRoom = (username: string): string => `user:${username}`;
/** Server-side event between instances (through the adapter): a user was changed, re-check their sockets. */
const USER_CHANGED = 'roadwatch:userChanged';

/** A batch from its positions' JSON texts (`asciiJson(LivePosition)` each). */
const batchOf = (tickMs: number, positions: readonly string[]): PreEncoded<PositionsBatch> =>
  new PreEncoded(`{"tickMs":${JSON.stringify(tickMs)},"positions":[${positions.join(',')}]}`);

/** A changed position with what every filter asks of it, worked out once per tick. */
interface Changed {
  position: LivePosition;
  owner: Owner;
  where: { lat: number; lon: number };
  json?: string;
}

export interface LiveFeedServerOptions {
  io: Server;
  /** Checks every handshake, and every open socket once per half session bound. */
  sessions: Sessions;
  /** Instances share an adapter (Redis): a user changed on one instance is re-checked on all at once. */
  clustered?: boolean;
  owners: VehicleOwnerCache;
  logger: Logger;
  metrics: ServiceMetrics;
  tickMs?: number;
  /** The platform clock (default Date.now): a seeded position ahead of it by more than clockSkewMs is not where the vehicle is. */
  now?: () => number;
  /** A position dated more than this after its receipt is future-dated: never shown as where the vehicle is (default 10 min). */
  clockSkewMs?: number;
  /**
   * The archiver's latest positions. With it, the feed decodes only the positions of vehicles
   * some connected client's filter may admit (`wantsPositionOf`, asked by the bus before
   * parsing), and reads a skipped vehicle's latest position back from here when a subscriber
   * comes to watch it. Without it every position is decoded, as the snapshot needs them.
   */
  latestPositions?: Pick<LatestPositionsPort, 'getMany' | 'all'>;
  /** Whether a vehicle is on the 重点监管 list now: its alerts are pushed one severity step higher. */
  isKeySupervised?: (vehicleId: string) => boolean;
}

/** The feed's hold on its positions consumer (a subscription's `pause` / `resumeFromLatest` of the positions topic). */
export interface PositionsFlow {
  pause(): void;
  resumeFromLatest(): Promise<void>;
}

/**
 * The socket.io `/live` namespace.
 *
 * Delivery design (cluster): every API instance consumes `telemetry.positions` and
 * `alerts` itself, in its own consumer group, and emits only to its own sockets
 * (`nsp.local`). Positions are filtered per socket (scope × viewport/company), which needs
 * every position on every instance anyway; relaying 10k positions/s through Redis pub/sub
 * to instances that already read them from Kafka would only add load. The Redis adapter
 * carries what only one instance knows: events born from a request (an alert
 * acknowledged over REST on instance B reaches sockets on instance A through the scope
 * rooms).
 *
 * Fan-out: sockets with the same effective filter share a room; each tick computes a
 * filter's batch once and socket.io encodes it once for the whole room. A vehicle is in
 * the batches of many rooms (overlapping viewports), so its JSON is made once per tick and
 * each room's batch is joined from those texts (`PreEncoded`; the server must use
 * `liveParser`). Subscription snapshots reuse the texts of the last known positions.
 *
 * Decoding only what is watched: validating a position costs ~12 µs, and with no client
 * connected none is needed. The bus asks `wantsPositionOf(key)` before parsing a record (the
 * key is the vehicle id): yes when some filter's scope and company admit the vehicle's owner
 * (a viewport needs the position itself, so it is judged after decoding). A skipped vehicle is
 * remembered; a subscriber that comes to watch it gets its latest position from the
 * archiver's store (`latestPositions.getMany`) in its snapshot, never an older one.
 *
 * Consuming nothing while nobody watches: with a store and a `PositionsFlow` (`followPositions`),
 * the positions consumer stays paused while no filter exists (the broker serves none of them).
 * The first subscriber resumes it from the topic's end and reads the whole store once (what was
 * published while paused is there, if the archiver has stored it) before its snapshot; when the last
 * filter goes, it is paused again.
 */
export class LiveFeedServer {
  readonly nsp: Namespace;
  private readonly filters = new Map<string, Filter>();
  private readonly lastKnown = new Map<string, LivePosition>();
  /** JSON of a LivePosition (`asciiJson`), made at most once: positions are never mutated. */
  private readonly json = new WeakMap<LivePosition, string>();
  private pending = new Map<string, LivePosition>();
  /** Vehicles whose reports were skipped since they were last decoded: `lastKnown` may be behind for them. */
  private readonly skipped = new Set<string>();
  private readonly records;
  private readonly timer: NodeJS.Timeout;
  private readonly sweepTimer: NodeJS.Timeout;
  private readonly emitted;
  private readonly sockets;
  private readonly tickSeconds;
  private readonly nowMs: () => number;
  private readonly clockSkewMs: number;
  private flow: PositionsFlow | null = null;
  /** Whether positions are being consumed now (always, without a flow to pause). */
  private flowing = true;
  /** Pauses and resumes, one after another, each judged when its turn comes. */
  private flowChanges: Promise<void> = Promise.resolve();
  /** Subscribes between asking for the flow and registering their filter: they count as watching. */
  private joining = 0;

  constructor(private readonly options: LiveFeedServerOptions) {
    this.nowMs = options.now ?? Date.now;
    this.clockSkewMs = options.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;
    this.nsp = options.io.of(LIVE_NAMESPACE);
    this.emitted = options.metrics.counter('live_events_total', 'socket.io room emits, by event', ['event']);
    this.sockets = options.metrics.gauge('live_sockets', 'connected /live sockets on this instance');
    this.records = options.metrics.counter(
      'live_position_records_total',
      'telemetry.positions records this instance decoded (some client may watch the vehicle) or skipped unparsed (none does)',
      ['handling'],
    );
    this.tickSeconds = options.metrics.histogram(
      'live_tick_seconds',
      'Time one tick spends filtering its batches and handing them to socket.io (encoding and socket writes included)',
      [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1],
    );
    this.nsp.use((socket, next) => {
      // Nothing thrown on the handshake path may escape: an exception inside a promise callback
      // here is an unhandled rejection, which ends the whole process.
      this.authenticate(socket.handshake.auth).then(
        (outcome) =>
          typeof outcome === 'string' ? next(new Error(outcome)) : ((socket.data['session'] = outcome.session), (socket.data['scope'] = outcome.scope), next()),
        (error: unknown) => {
          options.logger.warn({ err: error }, 'live handshake refused after an error');
          next(new Error('unauthenticated'));
        },
      );
    });
    this.nsp.on('connection', (socket) => this.onConnection(socket));
    // Another instance changed a user: drop what this one cached and re-check the user's sockets now.
    this.nsp.on(USER_CHANGED, (username: unknown) => {
      if (typeof username !== 'string') return;
      options.sessions.forget(username);
      this.recheck(this.nsp.local.in(userRoom(username)).fetchSockets());
    });
    this.timer = setInterval(() => this.tick(), options.tickMs ?? 1_000);
    this.timer.unref();
    this.sweepTimer = setInterval(() => this.recheck(Promise.resolve([...this.nsp.sockets.values()])), options.sessions.cacheTtlMs);
    this.sweepTimer.unref();
  }

  /** The caller's session and scope, or why the handshake is refused. */
  private async authenticate(auth: unknown): Promise<{ session: Session; scope: Scope } | 'unauthenticated' | 'forbidden' | 'password change required'> {
    const token = typeof auth === 'object' && auth !== null ? (auth as { token?: unknown }).token : undefined;
    const session = await this.options.sessions.of(typeof token === 'string' ? token : undefined);
    if (!session) return 'unauthenticated';
    if (session.mustChangePassword) return 'password change required';
    const scope = Scope.of(session.principal);
    return scope.can('live') ? { session, scope } : 'forbidden';
  }

  /**
   * A user was changed on this instance: re-check their sockets here at once, and on every
   * other instance through the adapter (without one, their sweep does it within the bound).
   */
  userChanged(username: string): void {
    this.recheck(this.nsp.local.in(userRoom(username)).fetchSockets());
    if (this.options.clustered) this.nsp.serverSideEmit(USER_CHANGED, username);
  }

  /**
   * Disconnects the sockets whose session no longer stands, in the background (a timer, an event
   * from another instance, a change made here: none waits). A failed check keeps the socket (the
   * next sweep tries again).
   */
  private recheck(
    sockets: Promise<ReadonlyArray<{ data: Record<string, unknown>; emit(event: string, payload: unknown): unknown; disconnect(close?: boolean): unknown }>>,
  ): void {
    const check = async (): Promise<void> => {
      for (const socket of await sockets) {
        const session = socket.data['session'] as Session | undefined;
        if (!session) continue;
        const stands = await this.options.sessions.stands(session).catch((error: Error) => {
          this.options.logger.warn(
            { err: error.message, username: session.principal.username },
            'live session check failed; the socket stays until the next sweep',
          );
          return true;
        });
        if (!stands) this.endSession(socket, session.expiresAtMs <= Date.now() ? 'expired' : 'revoked');
      }
    };
    void check().catch((error: unknown) => this.options.logger.warn({ err: error }, 'live session sweep failed'));
  }

  /**
   * socket.join/leave answer a promise only with an adapter that keeps rooms elsewhere (ours keep
   * them in this process, and the Redis adapter too); should one fail, the socket misses that
   * room's messages until it subscribes again: logged, not an unhandled rejection.
   */
  private roomChange(change: Promise<void> | void, what: string): void {
    void Promise.resolve(change).catch((error: unknown) => this.options.logger.warn({ err: error }, `live: ${what} failed`));
  }

  private endSession(socket: { emit(event: string, payload: unknown): unknown; disconnect(close?: boolean): unknown }, reason: SessionEnded['reason']): void {
    socket.emit(LIVE_EVENTS.sessionEnded, { reason } satisfies SessionEnded);
    socket.disconnect(true);
  }

  /**
   * Hands the feed its positions consumer, which starts paused (`SubscribeOptions.paused`): it is
   * resumed while some filter exists. Needs the latest-position store to catch up from.
   */
  followPositions(flow: PositionsFlow): void {
    if (!this.options.latestPositions) throw new Error('the live feed pauses its positions only with a latest-position store to catch up from');
    this.flow = flow;
    this.flowing = false;
  }

  /** Positions flow before the first filter is registered: resumed from the end, the store read for what was missed. */
  private startFlowing(): Promise<void> {
    return this.changeFlow(async () => {
      const flow = this.flow;
      if (!flow || this.flowing) return;
      await flow.resumeFromLatest();
      this.flowing = true;
      // Everything before the resume point is the store's now (skipped or never fetched alike).
      this.skipped.clear();
      try {
        this.seed(await this.options.latestPositions!.all());
      } catch (error) {
        this.options.logger.warn({ err: error }, 'live snapshot: latest positions unreadable; it shows what this instance last decoded');
      }
    });
  }

  /** Nobody watches any more: stop consuming positions. */
  private stopFlowingIfIdle(): void {
    void this.changeFlow(async () => {
      if (!this.flow || !this.flowing || this.filters.size > 0 || this.joining > 0) return;
      this.flow.pause();
      this.flowing = false;
      this.pending.clear();
    }).catch(() => undefined); // changeFlow logged it
  }

  private changeFlow(change: () => Promise<void>): Promise<void> {
    const next = this.flowChanges.then(change);
    this.flowChanges = next.catch((error: unknown) => this.options.logger.warn({ err: error }, 'live feed: pausing or resuming positions failed'));
    return next;
  }

  /** Seeds the snapshot new subscribers get (from the archiver's latest-position store). */
  seed(latest: readonly LatestLike[]): void {
    const nowMs = this.nowMs();
    for (const p of latest) {
      // An entry without its receipt (older stores) is judged against the clock now.
      if (replacesLatest({ deviceTimeMs: p.deviceTimeMs, receivedAtMs: p.receivedAtMs ?? nowMs }, this.lastKnown.get(p.vehicleId), nowMs, this.clockSkewMs)) {
        this.lastKnown.set(p.vehicleId, this.live(p));
      }
    }
  }

  /**
   * Whether a position of this vehicle must be decoded: the bus's `wants`, asked before the
   * record is parsed. Always yes without a latest-position store to catch up from, and for a
   * record without a key. A no is remembered, so a later subscriber catches up.
   */
  wantsPositionOf(vehicleId: string | null): boolean {
    if (!this.options.latestPositions || vehicleId === null) return true;
    if (this.filters.size > 0) {
      const owner = this.options.owners.ownerOf(vehicleId);
      for (const filter of this.filters.values()) if (this.admitsOwner(filter, owner)) return true;
    }
    this.skipped.add(vehicleId);
    this.records.inc({ handling: 'skipped' });
    return false;
  }

  onPositions(positions: readonly PositionV1[]): void {
    const nowMs = this.nowMs();
    this.records.inc({ handling: 'decoded' }, positions.length);
    for (const p of positions) this.skipped.delete(p.vehicleId);
    for (const p of positions) {
      // Blind-area back-fill is history, not where the vehicle is now; a report dated 2099 is a wrong clock.
      if (!replacesLatest(p, this.lastKnown.get(p.vehicleId), nowMs, this.clockSkewMs)) continue;
      const live = this.live(p);
      this.lastKnown.set(p.vehicleId, live);
      this.pending.set(p.vehicleId, live);
    }
  }

  /** Alerts go out at once, to every local filter room that admits them. */
  onAlert(alert: AlertV1): void {
    const owner = this.ownerOfAlert(alert);
    const item = alertItemOf(alert, owner, null, this.options.isKeySupervised?.(alert.vehicleId) ?? false);
    const where =
      alert.latitudeDeg !== undefined && alert.longitudeDeg !== undefined ? { lat: alert.latitudeDeg, lon: alert.longitudeDeg } : this.whereIs(alert.vehicleId);
    for (const filter of this.filters.values()) {
      if (!filter.alerts || !this.admits(filter, owner, where)) continue;
      this.nsp.local.to(this.room(filter)).emit(LIVE_EVENTS.alert, item);
      this.emitted.inc({ event: 'alert' });
    }
  }

  /** Through the adapter: every instance's sockets whose scope admits the owner. */
  broadcastAck(event: AlertAckEvent, owner: Owner): void {
    this.nsp.to(Scope.roomsFor(owner)).emit(LIVE_EVENTS.alertAck, event);
  }

  /** A handling step made on this instance (view, handle, appeal, decide): through the adapter to every instance's sockets that may see the item. */
  broadcastHandling(event: HandlingLiveEvent, owner: Owner): void {
    this.nsp.to(Scope.roomsFor(owner)).emit(LIVE_EVENTS.handling, event);
    this.emitted.inc({ event: 'handling' });
  }

  /** Supervision's `supervision.handling` (a new item, an escalation): every instance reads it, so each tells its own sockets. */
  onHandlingChange(change: HandlingChangeV1): void {
    const owner = { companyId: change.item.companyId, regionCode: change.item.regionCode ?? undefined };
    this.nsp.local.to(Scope.roomsFor(owner)).emit(LIVE_EVENTS.handling, { change: change.change, item: change.item } satisfies HandlingLiveEvent);
    this.emitted.inc({ event: 'handling' });
  }

  /**
   * A 查岗 sent to a company: to that company's sockets only (its scope room, on every instance
   * through the adapter), whether or not they subscribed to anything — the prompt must show at once.
   */
  broadcastInspection(companyId: string, event: InspectionLiveEvent): void {
    this.nsp.to(Scope.companyRoom(companyId)).emit(LIVE_EVENTS.inspection, event);
    this.emitted.inc({ event: 'inspection' });
  }

  /** A company answered: every socket whose scope admits the company (its own users, its region's operators, admins). */
  broadcastInspectionAnswered(event: InspectionLiveEvent, owner: Owner): void {
    this.nsp.to(Scope.roomsFor(owner)).emit(LIVE_EVENTS.inspectionAnswered, event);
    this.emitted.inc({ event: 'inspectionAnswered' });
  }

  /** One `positions` event per filter room with the vehicles that reported since the last tick. */
  tick(nowMs = Date.now()): void {
    if (this.pending.size === 0 || this.filters.size === 0) {
      this.pending.clear();
      return;
    }
    const started = performance.now();
    const changed: Changed[] = [];
    for (const position of this.pending.values()) {
      changed.push({ position, owner: this.options.owners.ownerOf(position.vehicleId), where: { lat: position.latitudeDeg, lon: position.longitudeDeg } });
    }
    this.pending = new Map();
    for (const filter of this.filters.values()) {
      const positions: string[] = [];
      for (const c of changed) if (this.admits(filter, c.owner, c.where)) positions.push((c.json ??= this.jsonOf(c.position)));
      if (positions.length === 0) continue;
      this.nsp.local.to(this.room(filter)).emit(LIVE_EVENTS.positions, batchOf(nowMs, positions));
      this.emitted.inc({ event: 'positions' });
    }
    this.tickSeconds.observe((performance.now() - started) / 1_000);
  }

  close(): void {
    clearInterval(this.timer);
    clearInterval(this.sweepTimer);
  }

  private onConnection(socket: Socket): void {
    const scope = socket.data['scope'] as Scope;
    const session = socket.data['session'] as Session;
    this.sockets.inc();
    this.roomChange(socket.join([scope.room, userRoom(session.principal.username)]), 'joining the scope and user rooms');
    // A token that expires ends its socket then, not at the next sweep.
    const expiry = setTimeout(() => this.endSession(socket, 'expired'), Math.min(2 ** 31 - 1, Math.max(0, session.expiresAtMs - Date.now())));
    expiry.unref();
    // One socket's subscribe, unsubscribe and disconnect run one after another: a subscribe
    // waits for its catch-up read, and a later one (a panned map) must not be overtaken by it.
    socket.on(LIVE_EVENTS.subscribe, (payload: unknown, ack?: (answer: LiveSubscribeAck) => void) => {
      this.serially(socket, async () => {
        const answer = await this.subscribe(socket, scope, payload);
        if (typeof ack === 'function') ack(answer);
      });
    });
    socket.on(LIVE_EVENTS.unsubscribe, () => this.serially(socket, async () => this.leave(socket)));
    socket.on('disconnect', () => {
      clearTimeout(expiry);
      this.sockets.dec();
      this.serially(socket, async () => this.leave(socket));
    });
  }

  private serially(socket: Socket, work: () => Promise<void>): void {
    const previous = (socket.data['queue'] as Promise<void> | undefined) ?? Promise.resolve();
    socket.data['queue'] = previous.then(work).catch((error: unknown) => this.options.logger.warn({ err: error }, 'live subscription change failed'));
  }

  /**
   * Reads back the latest position of the skipped vehicles this filter may admit, so its
   * snapshot is not behind. A failed read keeps them marked (the next subscriber tries again)
   * and the snapshot shows what this instance last decoded.
   */
  private async catchUp(filter: Filter): Promise<void> {
    const source = this.options.latestPositions;
    if (!source || this.skipped.size === 0) return;
    const ids: string[] = [];
    for (const id of this.skipped) if (this.admitsOwner(filter, this.options.owners.ownerOf(id))) ids.push(id);
    if (ids.length === 0) return;
    for (const id of ids) this.skipped.delete(id);
    try {
      this.seed(await source.getMany(ids));
    } catch (error) {
      for (const id of ids) this.skipped.add(id);
      this.options.logger.warn({ err: error, vehicles: ids.length }, 'live snapshot: latest positions unreadable; it shows what this instance last decoded');
    }
  }

  private async subscribe(socket: Socket, scope: Scope, payload: unknown): Promise<LiveSubscribeAck> {
    const parsed = liveSubscribe.safeParse(payload);
    if (!parsed.success) return { ok: false, error: describeZodError(parsed.error) };
    const { companyId, viewport, alerts } = parsed.data;
    // Another company is "not found" to a company user, like over REST.
    if (scope.kind === 'company' && companyId !== undefined && companyId !== scope.value)
      return { ok: false, error: `companyId: company ${companyId} not found` };
    const key = [
      scope.key,
      companyId ?? '',
      viewport ? [viewport.west, viewport.south, viewport.east, viewport.north].map(round).join(',') : '',
      alerts ? 'a' : '',
    ].join('|');
    const candidate: Filter = { key, scope, companyId, viewport, alerts, members: 0 };
    this.joining += 1;
    let filter: Filter | undefined;
    try {
      try {
        await this.startFlowing();
      } catch (error) {
        this.options.logger.warn({ err: error }, 'live feed: positions could not be resumed');
        return { ok: false, error: 'live positions are unavailable just now; subscribe again' };
      }
      await this.catchUp(candidate);
      if (socket.disconnected) return { ok: false, error: 'disconnected' };
      this.leave(socket);
      filter = this.filters.get(key);
      if (!filter) {
        filter = candidate;
        this.filters.set(key, filter);
      }
      filter.members += 1;
    } finally {
      this.joining -= 1;
      if (!filter) this.stopFlowingIfIdle();
    }
    socket.data['filter'] = key;
    this.roomChange(socket.join(this.room(filter)), 'joining a filter room');
    const snapshot: string[] = [];
    for (const p of this.lastKnown.values()) {
      if (this.admits(filter, this.options.owners.ownerOf(p.vehicleId), { lat: p.latitudeDeg, lon: p.longitudeDeg })) snapshot.push(this.jsonOf(p));
    }
    if (snapshot.length > 0) socket.emit(LIVE_EVENTS.positions, batchOf(Date.now(), snapshot));
    return { ok: true };
  }

  private leave(socket: Socket): void {
    const key = socket.data['filter'] as string | undefined;
    if (!key) return;
    socket.data['filter'] = undefined;
    const filter = this.filters.get(key);
    if (!filter) return;
    this.roomChange(socket.leave(this.room(filter)), 'leaving a filter room');
    filter.members -= 1;
    if (filter.members <= 0) {
      this.filters.delete(key);
      if (this.filters.size === 0) this.stopFlowingIfIdle();
    }
  }

  /** What a filter asks of a vehicle's owner alone (its scope, its company): judged before a position is decoded. */
  private admitsOwner(filter: Filter, owner: Owner): boolean {
    return filter.scope.admits(owner) && (filter.companyId === undefined || owner.companyId === filter.companyId);
  }

  private admits(filter: Filter, owner: Owner, where: { lat: number; lon: number } | undefined): boolean {
    if (!this.admitsOwner(filter, owner)) return false;
    if (filter.viewport && (!where || !inBbox(filter.viewport, where.lat, where.lon))) return false;
    return true;
  }

  private room(filter: Filter): string {
    return `filter:${filter.key}`;
  }

  /** libs/storage's `OWNER_OF.vehicleRecord`, as the alerts REST scopes the stored alert: the registry's owner, else the alert's copy. */
  private ownerOfAlert(alert: AlertV1): Owner {
    const owner = this.options.owners.ownerOf(alert.vehicleId);
    return { ...vehicleRecordOwner(owner, alert), plate: owner.plate ?? alert.plate };
  }

  private whereIs(vehicleId: string): { lat: number; lon: number } | undefined {
    const p = this.lastKnown.get(vehicleId);
    return p ? { lat: p.latitudeDeg, lon: p.longitudeDeg } : undefined;
  }

  private jsonOf(p: LivePosition): string {
    let text = this.json.get(p);
    if (text === undefined) {
      text = asciiJson(p);
      this.json.set(p, text);
    }
    return text;
  }

  private live(p: LatestLike): LivePosition {
    const owner = this.options.owners.ownerOf(p.vehicleId);
    const live: LivePosition = {
      vehicleId: p.vehicleId,
      deviceTimeMs: p.deviceTimeMs,
      latitudeDeg: p.latitudeDeg,
      longitudeDeg: p.longitudeDeg,
      speedKmh: p.speedKmh,
      headingDeg: p.headingDeg,
      accOn: p.accOn,
    };
    const plate = p.plate ?? owner.plate;
    if (plate !== undefined) live.plate = plate;
    if (owner.companyId !== undefined) live.companyId = owner.companyId;
    return live;
  }
}
