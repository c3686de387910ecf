import { z } from 'zod';
import type { ErrorStatus, RouteSpec } from './api-routes';
import {
  appealAlertRequest,
  decideAppealRequest,
  dutyBoardQuery,
  dutyBoardResponse,
  handleAlertRequest,
  handlingDetail,
  handlingItem,
  handlingListQuery,
  handlingListResponse,
} from './handling.schema';
import { safeString } from './safe-string';

const alertIdPath = z.object({ alertId: safeString().min(1) });
const signedIn: ErrorStatus[] = [401, 403];
const signedInOne: ErrorStatus[] = [401, 403, 404];
const step: ErrorStatus[] = [401, 403, 404, 409];

/**
 * The handling workflow's routes (RULES §9, services/api `HandlingController`): a company's
 * 待处理 list and its steps, the on-duty board and appeal decisions. No delete: handling
 * records are kept ≥ 3 years.
 */
export const handlingRoutes: readonly RouteSpec[] = [
  {
    method: 'get',
    path: '/v1/handling',
    summary: 'Handling items in scope (a company: its 待处理 list), open ones first by deadline, with counts; filters state, rule, overdue',
    security: 'bearer',
    query: handlingListQuery,
    status: 200,
    response: handlingListResponse,
    errors: signedIn,
  },
  {
    method: 'get',
    path: '/v1/handling/duty-board',
    summary: "The monitoring centre's on-duty board: escalated items still overdue, and appeals waiting for a decision (operators, admins)",
    security: 'bearer',
    query: dutyBoardQuery,
    status: 200,
    response: dutyBoardResponse,
    errors: signedIn,
  },
  {
    method: 'get',
    path: '/v1/handling/:alertId',
    summary: 'One handling item in scope with every step (who, when, what)',
    security: 'bearer',
    params: alertIdPath,
    status: 200,
    response: handlingDetail,
    errors: signedInOne,
  },
  {
    method: 'post',
    path: '/v1/handling/:alertId/view',
    summary: 'The company opened the item: the first view marks it viewed (who, when); later views change nothing',
    security: 'bearer',
    params: alertIdPath,
    status: 200,
    response: handlingItem,
    errors: signedInOne,
  },
  {
    method: 'post',
    path: '/v1/handling/:alertId/handle',
    summary: 'Record the handling: measure (误报 is handling) and comment; 409 when already handled, while an appeal is pending or after it was accepted',
    security: 'bearer',
    params: alertIdPath,
    body: handleAlertRequest,
    status: 200,
    response: handlingItem,
    errors: step,
  },
  {
    method: 'post',
    path: '/v1/handling/:alertId/appeal',
    summary: 'Appeal the alert with a reason (once; not after handling: 409)',
    security: 'bearer',
    params: alertIdPath,
    body: appealAlertRequest,
    status: 200,
    response: handlingItem,
    errors: step,
  },
  {
    method: 'post',
    path: '/v1/handling/:alertId/appeal/decision',
    summary:
      'Decide a pending appeal (accepted | rejected, with a comment); a timely appeal rejected gives a fresh window of the same length; 409 when none is pending',
    security: 'bearer',
    params: alertIdPath,
    body: decideAppealRequest,
    status: 200,
    response: handlingItem,
    errors: step,
  },
];
