import { z } from 'zod';
import type { RouteSpec } from './api-routes';
import { page } from './api.schema';
import { driverShiftItem, driverShiftListQuery, driverShiftRequest } from './roster.schema';
import { safeString } from './safe-string';

const shiftPath = z.object({ shiftId: safeString().min(1) });

/**
 * The shift roster (issue #15, RULES §15 "Four parties"), capability `roster`: the admin every
 * company's, a company user its own drivers and vehicles (another's is 404); rows of `apiRoutes`.
 */
export const rosterRoutes: readonly RouteSpec[] = [
  {
    method: 'get',
    path: '/v1/roster/shifts',
    summary: 'Shifts in scope, oldest first; by company, vehicle or driver, overlapping [fromMs, toMs)',
    security: 'bearer',
    query: driverShiftListQuery,
    status: 200,
    response: page(driverShiftItem),
    errors: [401, 403],
  },
  {
    method: 'post',
    path: '/v1/roster/shifts',
    summary: 'Add a shift of a driver on a vehicle of the same company; 409 when it overlaps another shift of the vehicle',
    security: 'bearer',
    body: driverShiftRequest,
    status: 201,
    response: driverShiftItem,
    errors: [401, 403, 404, 409],
  },
  {
    method: 'put',
    path: '/v1/roster/shifts/:shiftId',
    summary: 'Replace a shift (checked as when added)',
    security: 'bearer',
    params: shiftPath,
    body: driverShiftRequest,
    status: 200,
    response: driverShiftItem,
    errors: [401, 403, 404, 409],
  },
  {
    method: 'delete',
    path: '/v1/roster/shifts/:shiftId',
    summary: 'Delete a shift',
    security: 'bearer',
    params: shiftPath,
    status: 204,
    errors: [401, 403, 404],
  },
];
