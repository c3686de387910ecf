import { randomUUID } from 'node:crypto';
import type { AuditAction, RouteRequest } from '@roadwatch/contracts';
import { routeGeometryIssue } from '@roadwatch/rules';
import {
  appendRegistryChange,
  AuditRepository,
  inTransaction,
  RouteEpisodeRepository,
  RouteRepository,
  type Queryable,
  type StoragePool,
  type StoredDetour,
  type StoredRoute,
} from '@roadwatch/storage';
import type { Scope } from '../auth/scope';
import { routeFromGeoJson, routeFromKml } from './route-geometry-import';

/** A refusal of a route command: `not_found` 404, `conflict` 409, `forbidden` 403, `invalid` 400 (the message names what is wrong). */
export class RouteCommandError extends Error {
  constructor(
    readonly kind: 'not_found' | 'conflict' | 'forbidden' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

interface Actor {
  scope: Scope;
  nowMs: number;
  clientAddress?: string | undefined;
}

/**
 * Approved routes' use cases (issue #16): each write is checked against the caller's scope (a
 * route out of it is not found, as one that does not exist; a new one must fall in it), audited
 * and announced on `registry.changes` (entity `route`: the detector reloads its routes) in one
 * transaction — nothing half saved.
 */
export class RouteCommands {
  constructor(private readonly pool: StoragePool) {}

  async upsert(routeId: string, request: RouteRequest, actor: Actor): Promise<StoredRoute> {
    const source = request.geojson !== undefined ? 'geojson' : request.kml !== undefined ? 'kml' : 'manual';
    const geometry =
      request.geojson !== undefined
        ? routeFromGeoJson(request.geojson)
        : request.kml !== undefined
          ? routeFromKml(request.kml)
          : { polyline: request.polyline ?? [], stops: request.stops };
    const stops = source !== 'manual' && request.stops.length === 0 ? geometry.stops : request.stops;
    const issue = routeGeometryIssue({ polyline: geometry.polyline, corridorWidthM: request.corridorWidthM });
    if (issue) throw new RouteCommandError('invalid', issue);
    return inTransaction(this.pool, async (tx) => {
      const routes = new RouteRepository(tx);
      const before = await routes.get(routeId);
      if (before && !(await routes.get(routeId, actor.scope.filter))) throw new RouteCommandError('not_found', `route ${routeId} not found`);
      if (request.companyId !== undefined && !(await routes.companyExists(request.companyId)))
        throw new RouteCommandError('invalid', `company ${request.companyId} is not registered`);
      await routes.upsert({
        routeId,
        kind: request.kind,
        name: request.name,
        referenceNo: request.referenceNo,
        companyId: request.companyId,
        regionCode: request.regionCode,
        polyline: geometry.polyline,
        corridorWidthM: request.corridorWidthM,
        depots: request.depots,
        stops,
        validFrom: request.validFrom,
        validTo: request.validTo,
        allowedHours: request.allowedHours,
        declared: request.declared,
        source,
        createdBy: actor.scope.principal.username,
      });
      const after = await routes.get(routeId, actor.scope.filter);
      // The route would land outside the caller's region: refused, the transaction rolled back.
      if (!after) throw new RouteCommandError('forbidden', `route ${routeId} would lie outside your scope (its region, else its company's)`);
      await this.announce(tx, routeId, before ? 'routes.update' : 'routes.create', actor, { name: { before: before?.name ?? null, after: after.name } });
      return after;
    });
  }

  async retire(routeId: string, actor: Actor): Promise<StoredRoute> {
    return inTransaction(this.pool, async (tx) => {
      const routes = new RouteRepository(tx);
      const route = await routes.get(routeId, actor.scope.filter);
      if (!route) throw new RouteCommandError('not_found', `route ${routeId} not found`);
      if (!(await routes.retire(routeId, actor.nowMs))) throw new RouteCommandError('conflict', `route ${routeId} was retired already`);
      await this.announce(tx, routeId, 'routes.retire', actor, {});
      return (await routes.get(routeId)) as StoredRoute;
    });
  }

  async bind(routeId: string, vehicleIds: readonly string[], actor: Actor): Promise<StoredRoute> {
    return inTransaction(this.pool, async (tx) => {
      const routes = new RouteRepository(tx);
      const route = await routes.get(routeId, actor.scope.filter);
      if (!route) throw new RouteCommandError('not_found', `route ${routeId} not found`);
      const wanted = [...new Set(vehicleIds)];
      const visible = await routes.visibleVehicleIds(wanted, actor.scope.filter);
      const missing = wanted.filter((id) => !visible.has(id));
      if (missing.length > 0) throw new RouteCommandError('invalid', `vehicle ${missing.join(', ')} not found`);
      await routes.bindVehicles(routeId, wanted);
      await this.announce(tx, routeId, 'routes.bind', actor, { vehicleIds: { before: route.vehicleIds, after: [...wanted].sort() } });
      return (await routes.get(routeId)) as StoredRoute;
    });
  }

  async approveDetour(
    routeId: string,
    detour: { vehicleId?: string | undefined; fromMs: number; toMs: number; polygon?: [number, number][] | undefined; comment: string },
    actor: Actor,
  ): Promise<StoredDetour> {
    return inTransaction(this.pool, async (tx) => {
      const routes = new RouteRepository(tx);
      const route = await routes.get(routeId, actor.scope.filter);
      if (!route) throw new RouteCommandError('not_found', `route ${routeId} not found`);
      if (route.retiredAtMs !== undefined) throw new RouteCommandError('conflict', `route ${routeId} is retired`);
      if (detour.vehicleId !== undefined && !route.vehicleIds.includes(detour.vehicleId))
        throw new RouteCommandError('invalid', `vehicle ${detour.vehicleId} is not bound to route ${routeId}`);
      const detourId = randomUUID();
      await routes.addDetour({ detourId, routeId, ...detour, approvedBy: actor.scope.principal.username });
      await this.announce(tx, routeId, 'routes.detour', actor, {
        detour: { before: null, after: { detourId, fromMs: detour.fromMs, toMs: detour.toMs, vehicleId: detour.vehicleId ?? null } },
      });
      return (await routes.detoursOf(routeId)).find((d) => d.detourId === detourId) as StoredDetour;
    });
  }

  private async announce(
    tx: Queryable,
    routeId: string,
    action: AuditAction,
    actor: Actor,
    changes: Record<string, { before?: unknown; after?: unknown }>,
  ): Promise<void> {
    await new AuditRepository(tx).record(
      { actor: actor.scope.principal.username, clientAddress: actor.clientAddress, action, target: `routes/${routeId}`, outcome: 'success', changes },
      tx,
    );
    await appendRegistryChange(tx, { entity: 'route', id: routeId, change: 'upsert', changedAtMs: actor.nowMs });
  }
}

/** What the routes controller uses, built once by startApi. */
export interface RoutesApi {
  routes: RouteRepository;
  episodes: RouteEpisodeRepository;
  commands: RouteCommands;
}

export const createRoutesApi = (pool: StoragePool): RoutesApi => ({
  routes: new RouteRepository(pool),
  episodes: new RouteEpisodeRepository(pool),
  commands: new RouteCommands(pool),
});
