import { z } from 'zod';
import type { ErrorStatus, RouteSpec } from './api-routes';
import { queryEpochMs } from './common.schema';
import { safeString } from './safe-string';

/** A kind's code: what `source_sites.site_kind` stores (lower-case ASCII, e.g. `sand_gravel`). */
const kindCode = safeString().regex(/^[a-z][a-z0-9_]{0,63}$/, 'lower-case letters, digits and _ (starting with a letter), at most 64');
const name = safeString().trim().min(1).max(100);

/** One kind of 货运源头单位 site (RULES.md §13) and how many sites use it (a used kind cannot be retired). */
export const sourceSiteKindItem = z.object({ kindCode, nameZh: name, nameEn: name, sortOrder: z.number().int(), siteCount: z.number().int().nonnegative() });
export type SourceSiteKindItem = z.infer<typeof sourceSiteKindItem>;

/** Add a kind: its code, Chinese and English names, place in the list (default last-ish: 100). */
export const sourceSiteKindCreateRequest = z.object({ kindCode, nameZh: name, nameEn: name, sortOrder: z.number().int().min(0).max(10_000).default(100) });
export type SourceSiteKindCreateRequest = z.infer<typeof sourceSiteKindCreateRequest>;

/** Rename a kind (the code sites refer to stays). */
export const sourceSiteKindRenameRequest = sourceSiteKindCreateRequest.omit({ kindCode: true });
export type SourceSiteKindRenameRequest = z.infer<typeof sourceSiteKindRenameRequest>;

export const sourceSiteKindListResponse = z.object({ items: z.array(sourceSiteKindItem) });

/** The source-unit ranking as a file: the ranking's period, headers in `lang` (zh by default). */
export const sourceUnitRankingFileQuery = z
  .object({
    fromMs: queryEpochMs,
    toMs: queryEpochMs,
    limit: z.coerce.number().int().min(1).max(1_000).default(1_000),
    lang: z.enum(['zh', 'en']).default('zh'),
  })
  .refine((q) => q.toMs > q.fromMs, { message: 'toMs must be after fromMs', path: ['toMs'] })
  .refine((q) => q.toMs - q.fromMs <= 366 * 86_400_000, { message: 'at most 366 days per request', path: ['toMs'] });

const kindPath = z.object({ kindCode: safeString().min(1) });
const adminOnly: ErrorStatus[] = [401, 403];

/** The kinds of source sites (`source_site_kinds`), kept by the admin (issue #15), and the ranking's files. */
export const sourceSiteKindRoutes: readonly RouteSpec[] = [
  {
    method: 'get',
    path: '/v1/source-site-kinds',
    summary: '货运源头单位 site kinds with the number of sites of each (admin)',
    security: 'bearer',
    status: 200,
    response: sourceSiteKindListResponse,
    errors: adminOnly,
  },
  {
    method: 'post',
    path: '/v1/source-site-kinds',
    summary: 'Add a site kind (admin); 409 when the code exists',
    security: 'bearer',
    body: sourceSiteKindCreateRequest,
    status: 201,
    response: sourceSiteKindItem,
    errors: [401, 403, 409],
  },
  {
    method: 'put',
    path: '/v1/source-site-kinds/:kindCode',
    summary: 'Rename a site kind (admin); the code stays',
    security: 'bearer',
    params: kindPath,
    body: sourceSiteKindRenameRequest,
    status: 200,
    response: sourceSiteKindItem,
    errors: [401, 403, 404],
  },
  {
    method: 'delete',
    path: '/v1/source-site-kinds/:kindCode',
    summary: 'Retire a site kind (admin); 409 while a site is of that kind',
    security: 'bearer',
    params: kindPath,
    status: 204,
    errors: [401, 403, 404, 409],
  },
  ...(['csv', 'xlsx'] as const).map((format): RouteSpec => ({
    method: 'get',
    path: `/v1/source-traces/ranking.${format}`,
    summary: `The source-unit ranking (the rows of /v1/source-traces/ranking) as ${format.toUpperCase()}, headers in \`lang\` (zh by default); in scope like the ranking`,
    security: 'bearer',
    query: sourceUnitRankingFileQuery,
    status: 200,
    response: z.string(),
    responseType: format === 'csv' ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    errors: adminOnly,
  })),
];
