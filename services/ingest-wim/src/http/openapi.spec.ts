import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { documentRouteShapes, nestRouteShapes } from '@roadwatch/runtime';
import { openApiDocument } from './openapi';
import { WimController } from './wim.controller';

type Document = { paths: Record<string, Record<string, { responses: Record<string, { headers?: unknown }> }>>; components: { securitySchemes: unknown } };

describe('ingest-wim OpenAPI document', () => {
  it('documents each route Nest serves, and nothing else', () => {
    const served = nestRouteShapes([WimController]).filter((r) => r !== 'GET /openapi.json');
    expect(documentRouteShapes(openApiDocument).sort()).toEqual(served.sort());
  });

  it('x-api-key security; 400, 401, 413, 429 with Retry-After and 503 on both routes, 403 for another station', () => {
    const doc = openApiDocument as Document;
    expect(doc.components.securitySchemes).toEqual({ stationKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } });
    const one = doc.paths['/v1/wim/measurements']!['post']!.responses;
    const batch = doc.paths['/v1/wim/measurements/batch']!['post']!.responses;
    expect(Object.keys(one).sort()).toEqual(['202', '400', '401', '403', '413', '429', '503']);
    expect(Object.keys(batch).sort()).toEqual(['200', '400', '401', '413', '429', '503']);
    expect(batch['429']!.headers).toHaveProperty('Retry-After');
  });
});
