import { z } from 'zod';
import type { RouteSpec } from './api-routes';
import { page } from './api.schema';
import { safeString } from './safe-string';
import { blindAreaDto, blindAreaItem, tamperingEpisodeItem, tamperingEpisodeListQuery } from './tampering.schema';

const episodePath = z.object({ episodeId: safeString().min(1) });
const blindAreaPath = z.object({ blindAreaId: safeString().min(1) });

/** Signal tampering (RULES.md §12, §15): episodes (capability `alerts`), blind areas (read `sites`, write `registry.admin`); rows of `apiRoutes`. */
export const tamperingRoutes: readonly RouteSpec[] = [
  {
    method: 'get',
    path: '/v1/tampering-episodes',
    summary: 'Suspected signal-tampering episodes in scope (a company its own vehicles’), by vehicle, status and period; newest first',
    security: 'bearer',
    query: tamperingEpisodeListQuery,
    status: 200,
    response: page(tamperingEpisodeItem),
    errors: [401, 403],
  },
  {
    method: 'get',
    path: '/v1/tampering-episodes/:episodeId',
    summary: 'One tampering episode in scope with its indicators and evidence (404 outside the scope)',
    security: 'bearer',
    params: episodePath,
    status: 200,
    response: tamperingEpisodeItem,
    errors: [401, 403, 404],
  },
  {
    method: 'get',
    path: '/v1/blind-areas',
    summary: 'Registered blind areas (tunnels, car parks) in scope: a tampering stretch they hold or cross is excluded',
    security: 'bearer',
    status: 200,
    response: z.object({ items: z.array(blindAreaItem) }),
    errors: [401, 403],
  },
  {
    method: 'put',
    path: '/v1/blind-areas/:blindAreaId',
    summary: 'Creates or replaces a blind area (admin), audited',
    security: 'bearer',
    params: blindAreaPath,
    body: blindAreaDto,
    status: 200,
    response: blindAreaItem,
    errors: [401, 403],
  },
  {
    method: 'delete',
    path: '/v1/blind-areas/:blindAreaId',
    summary: 'Removes a blind area (admin), audited; 404 when there is none',
    security: 'bearer',
    params: blindAreaPath,
    status: 204,
    errors: [401, 403, 404],
  },
];
