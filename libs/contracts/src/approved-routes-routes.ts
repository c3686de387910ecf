import { z } from 'zod';
import type { RouteSpec } from './api-routes';
import { page } from './api.schema';
import { safeString } from './safe-string';
import {
  routeDetourItem,
  routeDetourRequest,
  routeEpisodeItem,
  routeEpisodeQuery,
  routeItem,
  routeListQuery,
  routeRequest,
  routeVehiclesRequest,
} from './approved-routes.schema';

const routePath = z.object({ routeId: safeString().min(1) });

/** Approved routes (RULES.md §11, issue #16): read with `routes`, administered with `routes.admin`; rows of `apiRoutes`. */
export const approvedRouteRoutes: readonly RouteSpec[] = [
  {
    method: 'get',
    path: '/v1/routes',
    summary: 'Approved routes in scope (admin all, operators their region, a company its own), by kind and bound vehicle; retired ones when asked',
    security: 'bearer',
    query: routeListQuery,
    status: 200,
    response: page(routeItem),
    errors: [401, 403],
  },
  {
    method: 'get',
    path: '/v1/routes/:routeId',
    summary: 'One approved route in scope with its geometry, stops and bound vehicles (another’s: 404)',
    security: 'bearer',
    params: routePath,
    status: 200,
    response: routeItem,
    errors: [401, 403, 404],
  },
  {
    method: 'put',
    path: '/v1/routes/:routeId',
    summary:
      'Creates or rewrites an approved route (geometry as a polyline, a GeoJSON or a UTF-8 KML document), audited; 400 naming what is wrong, nothing saved',
    security: 'bearer',
    params: routePath,
    body: routeRequest,
    status: 200,
    response: routeItem,
    errors: [401, 403, 404],
  },
  {
    method: 'post',
    path: '/v1/routes/:routeId/retire',
    summary: 'Retires a route (kept as evidence, no longer judged), audited; 409 when retired already',
    security: 'bearer',
    params: routePath,
    status: 200,
    response: routeItem,
    errors: [401, 403, 404, 409],
  },
  {
    method: 'put',
    path: '/v1/routes/:routeId/vehicles',
    summary: 'Binds exactly these vehicles (in scope) to the route, audited',
    security: 'bearer',
    params: routePath,
    body: routeVehiclesRequest,
    status: 200,
    response: routeItem,
    errors: [401, 403, 404],
  },
  {
    method: 'post',
    path: '/v1/routes/:routeId/detours',
    summary: "An operator's approved detour window [fromMs, toMs) for the route (one vehicle or all bound), optionally within a polygon, audited",
    security: 'bearer',
    params: routePath,
    body: routeDetourRequest,
    status: 201,
    response: routeDetourItem,
    errors: [401, 403, 404],
  },
  {
    method: 'get',
    path: '/v1/route-episodes',
    summary:
      'Off-route episodes and 班线 stop findings in scope (a company its own vehicles’), with the off-route stretch; those meeting [fromMs, toMs) (begun before toMs, not ended before fromMs; an open one lasts up to now); newest first',
    security: 'bearer',
    query: routeEpisodeQuery,
    status: 200,
    response: z.object({ items: z.array(routeEpisodeItem) }),
    errors: [401, 403],
  },
];
