import { z } from 'zod';
import type { RouteSpec } from './api-routes';
import { page } from './api.schema';
import { XLSX_MEDIA_TYPE } from './assessment.schema';
import { areaBanItem, areaBanListQuery, areaBanRequest, permitAuditQuery, permitAuditResponse } from './permits.schema';
import { safeString } from './safe-string';

const permitPath = z.object({ routeId: safeString().min(1) });
const banPath = z.object({ banId: safeString().min(1) });

/** 大件 audit sheets (capability `permits`) and area bans (`area_bans`, writes `area_bans.admin`); rows of `apiRoutes`. */
export const permitsRoutes: readonly RouteSpec[] = [
  {
    method: 'get',
    path: '/v1/permits/:routeId/audit',
    summary:
      '倒查: a 大件 permit in scope (a company its own, officers their region) against its vehicle’s actual track and weighings — share on route by distance, stretches outside the dates or hours, weighings against the declared figures',
    security: 'bearer',
    params: permitPath,
    query: permitAuditQuery,
    status: 200,
    response: permitAuditResponse,
    errors: [401, 403, 404],
  },
  {
    method: 'get',
    path: '/v1/permits/:routeId/audit.xlsx',
    summary: 'The permit’s audit sheet as XLSX: a summary sheet, the stretches outside the dates or hours and the weighings (headers in Chinese and English)',
    security: 'bearer',
    params: permitPath,
    query: permitAuditQuery,
    status: 200,
    responseType: XLSX_MEDIA_TYPE,
    errors: [401, 403, 404],
  },
  {
    method: 'get',
    path: '/v1/area-bans',
    summary: 'Area bans in scope (admin all, operators their region, companies the bans of their region or of no region), newest first',
    security: 'bearer',
    query: areaBanListQuery,
    status: 200,
    response: page(areaBanItem),
    errors: [401, 403],
  },
  {
    method: 'put',
    path: '/v1/area-bans/:banId',
    summary:
      'Creates or replaces an area ban (admin; operators in their region): a polygon, or none to bind the vehicles registered in regionCode (region-wide); vehicle classes, windows [from, to) local, dates, road classes; audited',
    security: 'bearer',
    params: banPath,
    body: areaBanRequest,
    status: 200,
    response: areaBanItem,
    errors: [401, 403, 404],
  },
  {
    method: 'post',
    path: '/v1/area-bans/:banId/retire',
    summary: 'Retires an area ban in scope (kept as the evidence of its episodes, no longer in force); audited',
    security: 'bearer',
    params: banPath,
    status: 200,
    response: areaBanItem,
    errors: [401, 403, 404],
  },
];
