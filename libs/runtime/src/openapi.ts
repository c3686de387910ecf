import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
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
    [route.status]: route.response
      ? { description: 'OK', content: { [route.responseType ?? 'application/json']: { schema: route.response } } }
      : { description: 'done, no body' },
  };
  for (const status of statuses) responses[`${status}` as `${1 | 2 | 3 | 4 | 5}${string}`] = errorResponse(status);
  return {
    summary: route.summary,
    operationId: `${route.method}${openApiPathOf(route.path).replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
    ...(route.security === 'none' ? { security: [] } : {}),
    ...(route.params || route.query
      ? { requestParams: { ...(route.params ? { path: route.params } : {}), ...(route.query ? { query: route.query } : {}) } }
      : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: route.body } } } } : {}),
    responses,
  };
};

/** `schemas`: named components (`Alert`, `Vehicle`, …); every use of one of these zod schemas becomes a `$ref`. */
export const openApiDocumentOf = (info: OpenApiInfo, routes: readonly RouteSpec[], schemas: Record<string, z.ZodType> = {}): Record<string, unknown> => {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const item = (paths[openApiPathOf(route.path)] ??= {});
    item[route.method] = operationOf(route);
  }
  const usesStationKey = routes.some((r) => r.security === 'stationKey');
  return createDocument(
    {
      openapi: '3.1.0',
      info: { ...info },
      components: {
        securitySchemes: usesStationKey
          ? { stationKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } }
          : { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        schemas: { Error: apiError, ...schemas },
      },
      security: [usesStationKey ? { stationKey: [] } : { bearer: [] }],
      paths,
    },
    {
      // zod renders a tuple ([lon, lat]) as `prefixItems` with `items: false`, which OpenAPI
      // tools (schemathesis among them) refuse as an invalid Schema Object. A fixed-length array
      // whose every item is one of the positions' schemas says the same to them.
      override: ({ jsonSchema }) => {
        const s = jsonSchema as { prefixItems?: unknown[]; items?: unknown; minItems?: number; maxItems?: number; description?: string };
        if (!s.prefixItems) return;
        s.items = s.prefixItems.length === 1 ? s.prefixItems[0] : { anyOf: s.prefixItems };
        s.minItems = s.maxItems = s.prefixItems.length;
        s.description ??= 'a tuple: position i follows the i-th schema of anyOf';
        delete s.prefixItems;
      },
    },
  ) as unknown as Record<string, unknown>;
};

/** `GET /v1/vehicles/{}` — a route as it is served, its parameter names aside (`:id` and `{id}` alike). */
export const routeShapeOf = (method: string, path: string): string =>
  `${method.toUpperCase()} /${path.split('/').filter(Boolean).join('/')}`.replace(/(:[A-Za-z0-9_]+|\{[A-Za-z0-9_]+\})/g, '{}');

/**
 * Every route the Nest controllers serve, read from Nest's own decorator metadata, for tests
 * holding a document to the code. `expand` turns one declared path into the routes it serves
 * (the admin tables share handlers under `:resource`).
 */
export const nestRouteShapes = (
  controllers: ReadonlyArray<abstract new (...args: never[]) => unknown>,
  expand: (path: string) => string[] = (path) => [path],
): string[] =>
  controllers.flatMap((controller) => {
    const base = (Reflect.getMetadata(PATH_METADATA, controller) as string | undefined) ?? '';
    return Object.getOwnPropertyNames(controller.prototype).flatMap((name) => {
      const handler = (controller.prototype as Record<string, unknown>)[name];
      if (name === 'constructor' || typeof handler !== 'function') return [];
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      if (path === undefined) return [];
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      return expand(`${base}/${path}`).map((p) => routeShapeOf(method, p));
    });
  });

/** Every operation of an OpenAPI document as a route shape. */
export const documentRouteShapes = (document: { paths?: unknown }): string[] =>
  Object.entries((document.paths ?? {}) as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
    Object.keys(item).map((method) => routeShapeOf(method, path)),
  );
