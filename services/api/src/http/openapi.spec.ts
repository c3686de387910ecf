import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { ADMIN_RESOURCES, apiRoutes } from '@roadwatch/contracts';
import { documentRouteShapes, nestRouteShapes } from '@roadwatch/runtime';
import { API_CONTROLLERS } from './app.module';
import { openApiDocument } from './openapi';

type Operation = {
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: unknown;
  responses: Record<string, { headers?: Record<string, unknown>; content?: unknown }>;
};
type Document = { paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, unknown> } };

// The admin tables share one set of handlers under /v1/admin/:resource: each table is a route of its own.
const adminTables = (path: string): string[] =>
  path.includes(':resource') ? Object.keys(ADMIN_RESOURCES).map((resource) => path.replace(':resource', resource)) : [path];

describe('the OpenAPI documents cover every controller route', () => {
  it('services/api: each route Nest serves is documented, and nothing else', () => {
    const served = nestRouteShapes(API_CONTROLLERS, adminTables).filter((r) => r !== 'GET /openapi.json');
    expect(new Set(served).size).toBe(served.length);
    expect(documentRouteShapes(openApiDocument).sort()).toEqual([...served].sort());
    expect(served).toContain('GET /v1/me');
  });

  it('path parameters are named as the controllers name them', () => {
    const doc = openApiDocument as Document;
    for (const route of apiRoutes) {
      const names = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
      const operation = doc.paths[route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]![route.method]!;
      expect((operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name)).toEqual(names);
    }
  });
});

describe('the OpenAPI documents say what the routes answer', () => {
  const doc = openApiDocument as Document;

  it('every body-taking route documents 413 and 400; every input-taking route 400', () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const where = `${method} ${path}`;
        if (operation.requestBody) expect(Object.keys(operation.responses), where).toEqual(expect.arrayContaining(['400', '413']));
        if ((operation.parameters ?? []).length > 0) expect(Object.keys(operation.responses), where).toContain('400');
      }
    }
  });

  it('sign-in documents 429 with Retry-After, /v1/me its user, the admin vehicle its terminalIds', () => {
    const login = doc.paths['/v1/auth/login']!['post']!;
    expect(login.responses['429']!.headers).toHaveProperty('Retry-After');
    expect(JSON.stringify(doc.paths['/v1/me']!['get']!.responses['200'])).toContain('#/components/schemas/User');
    expect(JSON.stringify(doc.paths['/v1/admin/vehicles/{vehicleId}']!['get']!.responses['200'])).toContain('#/components/schemas/VehicleRecord');
    expect(JSON.stringify(doc.components['schemas' as never])).toContain('terminalIds');
  });

  it('a speed zone answers with its polyline of [lon, lat] pairs and its bbox, not the input schema', () => {
    expect(JSON.stringify(doc.paths['/v1/admin/speed-zones/{segmentId}']!['get']!.responses['200'])).toContain('#/components/schemas/SpeedZone');
    const zone = JSON.stringify((doc.components as unknown as { schemas: Record<string, unknown> }).schemas['SpeedZone']);
    expect(zone).toContain('"maximum":135.083');
    expect(zone).toContain('bbox');
    expect(zone).not.toContain('"items":false');
  });

  it('epoch-ms query parameters are bounded to 2000-01-01 … 2100-01-01', () => {
    const fromMs = doc.paths['/v1/vehicles/{vehicleId}/track']!['get']!.parameters!.find((p) => p.name === 'fromMs') as unknown as {
      schema: { minimum: number; maximum: number };
    };
    expect(fromMs.schema).toMatchObject({ minimum: Date.UTC(2000, 0, 1), maximum: Date.UTC(2100, 0, 1) });
  });

  it('security: bearer, sign-in open', () => {
    expect(doc.components.securitySchemes).toEqual({ bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } });
    expect(doc.paths['/v1/auth/login']!['post']).toHaveProperty('security', []);
  });
});
