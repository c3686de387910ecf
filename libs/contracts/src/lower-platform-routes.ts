import { z } from 'zod';
import type { RouteSpec } from './api-routes';
import {
  discoveredVehicleItem,
  lowerPlatformAccessCodeParam,
  lowerPlatformAlarmItem,
  lowerPlatformInspectionRequest,
  lowerPlatformItem,
  lowerPlatformListQuery,
  saveLowerPlatformRequest,
  lowerPlatformRequestItem,
  lowerPlatformSupervisionRequest,
  reviewDiscoveredVehicleRequest,
} from './lower-platform.schema';

const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

/**
 * JT/T 809 lower platforms (issue #17): the registry (capability `lower_platforms`, admin), what
 * they told us, and 查岗 (`inspections.send`) / 督办 (`handling.duty`) sent over their link;
 * rows of `apiRoutes`.
 */
export const lowerPlatformRoutes: readonly RouteSpec[] = [
  {
    method: 'get',
    path: '/v1/lower-platforms',
    summary: 'Every lower platform (access code, name, company or provider, user id, allowed sources, edition, enabled; never its password or keys)',
    security: 'bearer',
    status: 200,
    response: listOf(lowerPlatformItem),
    errors: [401, 403],
  },
  {
    method: 'put',
    path: '/v1/lower-platforms/:accessCode',
    summary: 'Create or replace a lower platform (the password is kept as its scrypt hash; left out on a replace, the stored one stays)',
    security: 'bearer',
    params: lowerPlatformAccessCodeParam,
    body: saveLowerPlatformRequest,
    status: 200,
    response: lowerPlatformItem,
    errors: [401, 403, 404],
  },
  {
    method: 'delete',
    path: '/v1/lower-platforms/:accessCode',
    summary: 'Remove a lower platform (its discovered vehicles and requests with it)',
    security: 'bearer',
    params: lowerPlatformAccessCodeParam,
    status: 204,
    errors: [401, 403, 404],
  },
  {
    method: 'get',
    path: '/v1/lower-platforms/vehicles',
    summary: 'Vehicles lower platforms told of (0x1201, 0x1600, positions), each pending review until an officer accepts or rejects it',
    security: 'bearer',
    query: lowerPlatformListQuery,
    status: 200,
    response: listOf(discoveredVehicleItem),
    errors: [401, 403],
  },
  {
    method: 'post',
    path: '/v1/lower-platforms/vehicles/review',
    summary: 'Accept or reject a discovered vehicle',
    security: 'bearer',
    body: reviewDiscoveredVehicleRequest,
    status: 204,
    errors: [401, 403, 404],
  },
  {
    method: 'get',
    path: '/v1/lower-platforms/alarms',
    summary: "0x1402 alarms lower platforms forwarded: the terminal side's evidence, newest first",
    security: 'bearer',
    query: lowerPlatformListQuery,
    status: 200,
    response: listOf(lowerPlatformAlarmItem),
    errors: [401, 403],
  },
  {
    method: 'get',
    path: '/v1/lower-platforms/requests',
    summary: '查岗 and 督办 sent to lower platforms, with when they went out over the link and their answers',
    security: 'bearer',
    query: lowerPlatformListQuery,
    status: 200,
    response: listOf(lowerPlatformRequestItem),
    errors: [401, 403],
  },
  {
    method: 'post',
    path: '/v1/lower-platforms/:accessCode/inspections',
    summary: "查岗 a lower platform (0x9301 over its link); the answer (0x1301) is recorded and counts in its company's 查岗响应率",
    security: 'bearer',
    params: lowerPlatformAccessCodeParam,
    body: lowerPlatformInspectionRequest,
    status: 201,
    response: lowerPlatformRequestItem,
    errors: [401, 403, 404],
  },
  {
    method: 'post',
    path: '/v1/lower-platforms/:accessCode/supervisions',
    summary: '督办 an alert with the lower platform (0x9401 over its link); the answer (0x1401) is recorded',
    security: 'bearer',
    params: lowerPlatformAccessCodeParam,
    body: lowerPlatformSupervisionRequest,
    status: 201,
    response: lowerPlatformRequestItem,
    errors: [401, 403, 404],
  },
];
