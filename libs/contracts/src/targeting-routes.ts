import { z } from 'zod';
import type { RouteSpec } from './api-routes';
import { page } from './api.schema';
import { safeString } from './safe-string';
import { targetingDecisionRequest, targetingItem, targetingListQuery } from './targeting.schema';

const leadPath = z.object({ targetingId: safeString().min(1) });

/** 布控线索 (RULES.md §13–§14), capability `targeting` (decisions: `targeting.decide`); rows of `apiRoutes`. */
export const targetingRoutes: readonly RouteSpec[] = [
  {
    method: 'get',
    path: '/v1/targeting',
    summary: 'Targeting leads in scope (admin all, operators and enforcement their region), by kind, status, period and plate; newest first',
    security: 'bearer',
    query: targetingListQuery,
    status: 200,
    response: page(targetingItem),
    errors: [401, 403],
  },
  {
    method: 'get',
    path: '/v1/targeting/:targetingId',
    summary: 'One targeting lead in scope with its evidence',
    security: 'bearer',
    params: leadPath,
    status: 200,
    response: targetingItem,
    errors: [401, 403, 404],
  },
  {
    method: 'post',
    path: '/v1/targeting/:targetingId/decision',
    summary:
      "An officer's decision on an open lead in scope: referred (公安/工信, with a note) or dismissed (with a reason), audited; 409 when already decided",
    security: 'bearer',
    params: leadPath,
    body: targetingDecisionRequest,
    status: 200,
    response: targetingItem,
    errors: [401, 403, 404, 409],
  },
];
