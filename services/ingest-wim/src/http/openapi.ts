import { z } from 'zod';
import { apiError, wimStationRecordV1 } from '@roadwatch/contracts';

/** The one error body of every roadwatch HTTP service (`apiError` of @roadwatch/contracts). */
const errorBody = z.toJSONSchema(apiError);
const outcome = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['accepted', 'duplicate'] },
    measurementId: { type: 'string' },
    warnings: { type: 'array', items: { type: 'string' }, description: 'plausibility findings (RULES.md §4); the record is kept' },
  },
};

/** OpenAPI 3.1 document, its record schema generated from the same zod schema that validates. */
export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'roadwatch ingest-wim',
    version: '1.0.0',
    description: '动态称重 (weigh-in-motion) records from 治超 stations and 非现场执法 points.',
  },
  components: {
    securitySchemes: { stationKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } },
    schemas: { WimStationRecord: z.toJSONSchema(wimStationRecordV1, { io: 'input' }), Error: errorBody, Outcome: outcome },
  },
  security: [{ stationKey: [] }],
  paths: {
    '/v1/wim/measurements': {
      post: {
        summary: 'Submit one weighing; 202 once it is stored on Kafka',
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/WimStationRecord' } } } },
        responses: {
          '202': { description: 'accepted or duplicate', content: { 'application/json': { schema: { $ref: '#/components/schemas/Outcome' } } } },
          '400': { description: 'a field is invalid; `issues` names each', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
          '401': { description: 'missing or unknown API key' },
          '403': { description: 'the record names another station than the key' },
          '503': { description: 'storage unavailable; retry' },
        },
      },
    },
    '/v1/wim/measurements/batch': {
      post: {
        summary: 'Submit up to 500 weighings; valid ones are kept, invalid ones reported by index',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'object', properties: { records: { type: 'array', items: { $ref: '#/components/schemas/WimStationRecord' } } } } } },
        },
        responses: { '200': { description: 'per-record results' }, '413': { description: 'more than 500 records' } },
      },
    },
  },
} as const;
