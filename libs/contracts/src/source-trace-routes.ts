import { z } from 'zod';
import type { ErrorStatus, RouteSpec } from './api-routes';
import { safeString } from './safe-string';
import { trackResponse } from './api.schema';
import {
  caseSourceTraceResponse,
  possibleLoadingPointsResponse,
  sourceTraceDecisionRequest,
  sourceTracePeriodQuery,
  sourceUnitRankingResponse,
} from './source-trace.schema';

const casePath = z.object({ caseId: safeString().min(1) });
const signedIn: ErrorStatus[] = [401, 403];

/** 源头倒查's routes (RULES.md §13, services/api `SourceTraceController`). */
export const sourceTraceRoutes: readonly RouteSpec[] = [
  {
    method: 'get',
    path: '/v1/cases/:caseId/source-trace',
    summary: "The case's 货源地倒查: grade A/B/C, the proposed site or the candidates, the stops, the reasons (zh/en), the sites' geofences",
    security: 'bearer',
    params: casePath,
    status: 200,
    response: caseSourceTraceResponse,
    errors: [401, 403, 404],
  },
  {
    method: 'get',
    path: '/v1/cases/:caseId/source-trace/track',
    summary:
      "The traced vehicle's stored positions from the trace's first stop to the weighing (at most 24 h, downsampled to 2,000 points), for the 货源地倒查 panel's map; read as the case is (capability `cases`, 404 outside scope); an empty track when there is no trace or no vehicle",
    security: 'bearer',
    params: casePath,
    status: 200,
    response: trackResponse,
    errors: [401, 403, 404],
  },
  {
    method: 'post',
    path: '/v1/cases/:caseId/source-trace/decision',
    summary:
      "Confirm or reject the case's 源头倒查 (enforcement, admin) with a comment: the case's 货运源头单位 becomes the confirmed site's company, or to be established. 409 when decided, grade C or the case no longer opened",
    security: 'bearer',
    params: casePath,
    body: sourceTraceDecisionRequest,
    status: 200,
    response: caseSourceTraceResponse,
    errors: [401, 403, 404, 409],
  },
  {
    method: 'get',
    path: '/v1/source-traces/ranking',
    summary: 'Source units ranked by traced overload trips (grade A and confirmed) weighed in [fromMs, toMs), in scope (operators, enforcement: their region)',
    security: 'bearer',
    query: sourceTracePeriodQuery,
    status: 200,
    response: sourceUnitRankingResponse,
    errors: signedIn,
  },
  {
    method: 'get',
    path: '/v1/source-traces/possible-loading-points',
    summary: "Grade-C traces' stops in [fromMs, toMs): possible unregistered loading points, for the map layer",
    security: 'bearer',
    query: sourceTracePeriodQuery,
    status: 200,
    response: possibleLoadingPointsResponse,
    errors: signedIn,
  },
];
