import { wimRoutes, wimStationRecordV1 } from '@roadwatch/contracts';
import { openApiDocumentOf } from '@roadwatch/runtime';

/** OpenAPI 3.1, generated from ingest-wim's route table and the zod schemas that validate its records. */
export const openApiDocument = openApiDocumentOf(
  { title: 'roadwatch ingest-wim', version: '1.0.0', description: '动态称重 (weigh-in-motion) records from 治超 stations and 非现场执法 points.' },
  wimRoutes,
  { WimStationRecord: wimStationRecordV1 },
);
