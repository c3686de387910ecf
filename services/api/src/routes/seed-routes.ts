import type { RouteRequest } from '@roadwatch/contracts';
import type { StoragePool } from '@roadwatch/storage';
import { Scope } from '../auth/scope';
import { RouteCommands } from './routes.api';

/** A route the demo seed writes, with the vehicles bound to it. */
export interface SeedRoute {
  routeId: string;
  route: RouteRequest;
  vehicleIds: readonly string[];
}

/**
 * The demo seed's approved routes (the embedded default), written through the same use cases as
 * the API's: audited as `system:demo-seed` and announced on registry.changes. Idempotent: a
 * restart rewrites the same rows.
 */
export const seedRoutes = async (pool: StoragePool, routes: readonly SeedRoute[], now: () => number = Date.now): Promise<void> => {
  const commands = new RouteCommands(pool);
  const actor = { scope: Scope.of({ username: 'system:demo-seed', role: 'admin' }), nowMs: now() };
  for (const { routeId, route, vehicleIds } of routes) {
    await commands.upsert(routeId, route, actor);
    await commands.bind(routeId, vehicleIds, actor);
  }
};
