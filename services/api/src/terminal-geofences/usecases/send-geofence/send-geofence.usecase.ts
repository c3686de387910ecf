import { randomUUID } from 'node:crypto';
import { geoPoint, type SendGeofenceRequest, type TerminalCommandV1, type TerminalDownlinkItem } from '@roadwatch/contracts';
import { maxPolygonVertices, maxRouteTurningPoints } from '@roadwatch/jt808';
import { AuditRepository, inStorageTransaction, TerminalGeofenceRepository, type DownlinkSend, type StoragePool } from '@roadwatch/storage';
import type { Scope } from '../../../auth/scope';
import { TerminalGeofenceCommandError } from '../../terminal-geofence-command.error';

export interface SendGeofenceCommand {
  scope: Scope;
  request: SendGeofenceRequest;
  nowMs: number;
}

/** The name a terminal shows (2019 bodies carry it); the contract bounds it. */
const NAME_MAX = 64;
/** A command the gateway could not deliver within this is reported undeliverable rather than sent late. */
const DELIVERY_WINDOW_MS = 10 * 60_000;

type Geometry =
  Extract<TerminalCommandV1['command'], { geofenceId: number }> extends infer C ? (C extends { geofenceId: number } ? Omit<C, 'geofenceId'> : never) : never;

/**
 * Sends an approved route (0x8606), an area ban (0x8604) or a circle (0x8600) to a vehicle's
 * terminal. The vehicle, the route or ban must be in the caller's scope (otherwise not found, as
 * an id that does not exist); the route must be bound to the vehicle and not retired. The body
 * must fit one frame in either edition the terminal may speak (the 2019 one, which adds the
 * name, is the tighter): a longer route is refused naming the limit rather than cut. The send
 * and its command commit together (the outbox), and the gateway's results move its status.
 */
export class SendGeofenceUseCase {
  private readonly repository: TerminalGeofenceRepository;

  constructor(
    private readonly pool: StoragePool,
    /** Publishes the outbox at once after the commit. */
    private readonly afterCommit: () => void,
  ) {
    this.repository = new TerminalGeofenceRepository(pool);
  }

  async execute({ scope, request, nowMs }: SendGeofenceCommand): Promise<TerminalDownlinkItem> {
    const { vehicleId, source } = request;
    const terminal = await this.repository.vehicleTerminal(vehicleId, scope.filter);
    if (!terminal) {
      if (await this.repository.vehicleInScope(vehicleId, scope.filter))
        throw new TerminalGeofenceCommandError('unprocessable', `vehicle ${vehicleId} has no terminal bound`, 'body.vehicleId');
      throw new TerminalGeofenceCommandError('not_found', `vehicle ${vehicleId} not found`);
    }
    const planned = await this.plan(request, vehicleId, scope);
    const send: DownlinkSend = {
      commandId: randomUUID(),
      vehicleId,
      terminalId: terminal.terminalId,
      messageId: planned.messageId,
      sourceKind: source.kind,
      sourceId: planned.sourceId,
      name: planned.geometry.name,
      requestedBy: scope.principal.username,
      requestedAtMs: nowMs,
    };
    // The send, its command on the outbox and its audit entry commit together.
    const item = await inStorageTransaction(this.pool, async (tx) => {
      const recorded = await new TerminalGeofenceRepository(tx).recordSend(send, (geofenceId) => ({
        v: 1,
        commandId: send.commandId,
        terminalId: terminal.terminalId,
        vehicleId,
        issuedAtMs: nowMs,
        expiresAtMs: nowMs + DELIVERY_WINDOW_MS,
        command: { ...planned.geometry, geofenceId } as TerminalCommandV1['command'],
      }));
      await new AuditRepository(tx).record({
        actor: scope.principal.username,
        action: 'terminal_geofence.send',
        target: `vehicle/${vehicleId}/terminal-geofence/${send.commandId}`,
        outcome: 'success',
        changes: { sent: { after: { sourceKind: source.kind, sourceId: planned.sourceId, geofenceId: recorded.geofenceId, messageId: planned.messageId } } },
      });
      return recorded;
    });
    this.afterCommit();
    return item;
  }

  private async plan(
    request: SendGeofenceRequest,
    vehicleId: string,
    scope: Scope,
  ): Promise<{ messageId: DownlinkSend['messageId']; sourceId: string; geometry: Geometry }> {
    const { source } = request;
    switch (source.kind) {
      case 'route': {
        const route = await this.repository.route(source.routeId, vehicleId, scope.filter);
        if (!route) throw new TerminalGeofenceCommandError('not_found', `route ${source.routeId} not found`);
        if (route.retired) throw new TerminalGeofenceCommandError('unprocessable', `route ${source.routeId} is retired`, 'body.source.routeId');
        if (!route.boundToVehicle)
          throw new TerminalGeofenceCommandError('unprocessable', `route ${source.routeId} is not bound to vehicle ${vehicleId}`, 'body.source.routeId');
        const name = route.name.slice(0, NAME_MAX);
        const max = maxRouteTurningPoints(name, '2019');
        if (route.polyline.length > max) {
          throw new TerminalGeofenceCommandError(
            'unprocessable',
            `route ${source.routeId} has ${route.polyline.length} turning points; one JT/T 808 0x8606 holds at most ${max} (a 1023-byte body, 18 bytes a point) — split the route or simplify its polyline`,
            'body.source.routeId',
          );
        }
        const points = route.polyline.map(([lon, lat]) => ({ latitudeDeg: lat, longitudeDeg: lon }));
        requireCoordinates(points, `route ${source.routeId}`, 'body.source.routeId');
        return { messageId: 0x8606, sourceId: route.routeId, geometry: { type: 'set_route', name, points, widthM: route.corridorWidthM } };
      }
      case 'area_ban': {
        const ban = await this.repository.areaBan(source.banId, scope.filter);
        if (!ban) throw new TerminalGeofenceCommandError('not_found', `area ban ${source.banId} not found`);
        if (ban.retired) throw new TerminalGeofenceCommandError('unprocessable', `area ban ${source.banId} is retired`, 'body.source.banId');
        if (!ban.polygon)
          throw new TerminalGeofenceCommandError(
            'unprocessable',
            `area ban ${source.banId} is region-wide (it binds the vehicles registered in its region, wherever they drive): it has no area to send as 0x8604`,
            'body.source.banId',
          );
        const ring = ban.polygon.map(([lon, lat]) => ({ latitudeDeg: lat, longitudeDeg: lon }));
        requireCoordinates(ring, `area ban ${source.banId}`, 'body.source.banId');
        const first = ring[0];
        const last = ring[ring.length - 1];
        // The terminal closes the ring itself: a closing vertex is not sent (nor counted).
        const vertices =
          first && last && ring.length > 3 && first.latitudeDeg === last.latitudeDeg && first.longitudeDeg === last.longitudeDeg ? ring.slice(0, -1) : ring;
        const name = ban.name.slice(0, NAME_MAX);
        const max = maxPolygonVertices(name, '2019');
        if (vertices.length < 3)
          throw new TerminalGeofenceCommandError('unprocessable', `area ban ${source.banId} has fewer than 3 vertices`, 'body.source.banId');
        if (vertices.length > max) {
          throw new TerminalGeofenceCommandError(
            'unprocessable',
            `area ban ${source.banId} has ${vertices.length} vertices; one JT/T 808 0x8604 holds at most ${max} (a 1023-byte body, 8 bytes a vertex)`,
            'body.source.banId',
          );
        }
        return { messageId: 0x8604, sourceId: ban.banId, geometry: { type: 'set_polygon_area', name, vertices } };
      }
      case 'circle':
        return {
          messageId: 0x8600,
          // A circle is named by its sender; the same name on the same vehicle's terminal is the same area.
          sourceId: `${vehicleId}/${source.name}`,
          geometry: { type: 'set_circle_area', name: source.name, center: source.center, radiusM: source.radiusM },
        };
    }
  }
}

/**
 * Stored geometry the command contract would refuse (a latitude of 95°, a missing coordinate)
 * is refused here, naming the vertex: the command would otherwise be set aside by the outbox and
 * the send stay `requested` for ever.
 */
const requireCoordinates = (points: ReadonlyArray<{ latitudeDeg: unknown; longitudeDeg: unknown }>, what: string, field: string): void => {
  const bad = points.findIndex((p) => !geoPoint.safeParse(p).success);
  if (bad >= 0) throw new TerminalGeofenceCommandError('unprocessable', `${what}: vertex ${bad} is not a WGS-84 [lon, lat] pair`, field);
};
