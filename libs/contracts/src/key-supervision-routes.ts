import { z } from 'zod';
import type { RouteSpec } from './api-routes';
import { page } from './api.schema';
import { keySupervisionDensitySchema } from './key-supervision-density.schema';
import {
  keySupervisionEntryItem,
  keySupervisionEvidenceResponse,
  keySupervisionListedVehicles,
  keySupervisionListQuery,
  keySupervisionReleaseRequest,
} from './key-supervision.schema';
import { safeString } from './safe-string';

const entryPath = z.object({ entryId: safeString().min(1) });

/** The 重点监管 routes (RULES.md §10), capability `key_supervision` (release: `key_supervision.release`); rows of `apiRoutes`. */
export const keySupervisionRoutes: readonly RouteSpec[] = [
  {
    method: 'get',
    path: '/v1/key-supervision/entries',
    summary:
      '重点监管 entries in scope: current (default), history or all; per vehicle (vehicleId) or company (companyId: its own entry and its vehicles’); newest listing first',
    security: 'bearer',
    query: keySupervisionListQuery,
    status: 200,
    response: page(keySupervisionEntryItem),
    errors: [401, 403],
  },
  {
    method: 'get',
    path: '/v1/key-supervision/entries/:entryId',
    summary: 'One 重点监管 entry in scope with its reasons and evidence ids',
    security: 'bearer',
    params: entryPath,
    status: 200,
    response: keySupervisionEntryItem,
    errors: [401, 403, 404],
  },
  {
    method: 'get',
    path: '/v1/key-supervision/entries/:entryId/evidence',
    summary: "An entry's evidence resolved in scope: each alert's record, each vehicle-day's quality counters",
    security: 'bearer',
    params: entryPath,
    status: 200,
    response: keySupervisionEvidenceResponse,
    errors: [401, 403, 404],
  },
  {
    method: 'post',
    path: '/v1/key-supervision/entries/:entryId/release',
    summary: "An officer's release of an open entry in scope, with a comment (audited); 409 when it already left the list",
    security: 'bearer',
    params: entryPath,
    body: keySupervisionReleaseRequest,
    status: 200,
    response: keySupervisionEntryItem,
    errors: [401, 403, 404, 409],
  },
  {
    method: 'get',
    path: '/v1/key-supervision/vehicles',
    summary: 'The vehicles listed now in scope (the live map rings them; their alerts are shown one severity step higher)',
    security: 'bearer',
    status: 200,
    response: keySupervisionListedVehicles,
    errors: [401, 403],
  },
  {
    method: 'get',
    path: '/v1/key-supervision/density',
    summary: 'Current listings in scope counted per region: province (xx0000) and prefecture (xxxx00) levels (the basemap colours regions by it)',
    security: 'bearer',
    status: 200,
    response: keySupervisionDensitySchema,
    errors: [401, 403],
  },
];
