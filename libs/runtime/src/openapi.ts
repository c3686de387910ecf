import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponsesObject } from 'zod-openapi';
import { apiError, type ErrorStatus, type RouteSpec } from '@roadwatch/contracts';

/**
 * OpenAPI 3.1 from a route table of @roadwatch/contracts (`apiRoutes`, `wimRoutes`), its
 * schemas rendered by zod-openapi from the very zod schemas the handlers parse with — request
 * schemas as zod's input, answers as its output — so the document cannot drift from the code.
 */

export interface OpenApiInfo {
  title: string;
  version: string;
  description: string;
}

const ERROR_DESCRIPTIONS: Record<ErrorStatus | 400 | 413, string> = {
  400: 'invalid request; `issues` names each bad field (`query.fromMs`, `body.plate`, `path.vehicleId`)',
  401: 'missing, invalid or expired credentials',
  403: 'the caller may not use this route',
  404: "does not exist, or is outside the caller's scope",
  409: 'conflicts with the current state (exists, still referred to, already decided)',
  413: 'the body is larger than the service accepts',
  429: 'over the budget of attempts; retry after Retry-After seconds',
  503: 'a dependency is unavailable; retry later',
};

const retryAfter = z.object({ 'Retry-After': z.string().regex(/^\d+$/).describe('seconds to wait before retrying') });
/** 503 names a wait only where the service knows one (the sign-in password gate). */
const maybeRetryAfter = z.object({ 'Retry-After': z.string().regex(/^\d+$/).optional().describe('seconds to wait before retrying, when known') });

const errorResponse = (status: ErrorStatus | 400 | 413) => ({
  description: ERROR_DESCRIPTIONS[status],
  content: { 'application/json': { schema: apiError } },
  ...(status === 429 ? { headers: retryAfter } : status === 503 ? { headers: maybeRetryAfter } : {}),
});

/** `/v1/vehicles/:vehicleId` → `/v1/vehicles/{vehicleId}`. */
export const openApiPathOf = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

const operationOf = (route: RouteSpec): ZodOpenApiOperationObject => {
  const hasInput = route.params !== undefined || route.query !== undefined || route.body !== undefined;
  const statuses = [...(hasInput ? [400 as const] : []), ...(route.body ? [413 as const] : []), ...route.errors].sort((a, b) => a - b);
  const responses: ZodOpenApiResponsesObject = {
    [route.status]: route.response ? { description: 'OK', content: { 'application/json': { schema: route.response } } } : { description: 'done, no body' },
  };
  for (const status of statuses) responses[`${status}` as `${1 | 2 | 3 | 4 | 5}${string}`] = errorResponse(status);
  return {
    summary: route.summary,
    operationId: `${route.method}${openApiPathOf(route.path).replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
    ...(route.security === 'none' ? { security: [] } : {}),
    ...(route.params || route.query ? { requestParams: { ...(route.params ? { path: route.params } : {}), ...(route.query ? { query: route.query } : {}) } } : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: route.body } } } } : {}),
    responses,
  };
};

export const openApiDocumentOf = (info: OpenApiInfo, routes: readonly RouteSpec[]): Record<string, unknown> => {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const item = (paths[openApiPathOf(route.path)] ??= {});
    item[route.method] = operationOf(route);
  }
  const usesStationKey = routes.some((r) => r.security === 'stationKey');
  return createDocument({
    openapi: '3.1.0',
    info: { ...info },
    components: {
      securitySchemes: usesStationKey ? { stationKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } } : { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: apiError },
    },
    security: [usesStationKey ? { stationKey: [] } : { bearer: [] }],
    paths,
  }, {
    // zod renders a tuple ([lon, lat]) as prefixItems plus `items: false`; with min/maxItems
    // equal to its length `items` adds nothing, and OpenAPI validators refuse the boolean.
    override: ({ jsonSchema }) => {
      const s = jsonSchema as { prefixItems?: unknown[]; items?: unknown; maxItems?: number };
      if (s.items === false && s.prefixItems && s.maxItems === s.prefixItems.length) delete s.items;
    },
  }) as unknown as Record<string, unknown>;
};
