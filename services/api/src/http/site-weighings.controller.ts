import { Controller, Get, Headers, Inject, Query } from '@nestjs/common';
import { siteWeighingTargetingKind, siteWeighingTargetingQuery, type SiteWeighingTargetingItem } from '@roadwatch/contracts';
import type { ApiContext } from './api-context';
import { scopeOf } from './auth';
import { parseOr400 } from './http-errors';
import { API_CONTEXT } from './tokens';

/**
 * Targeting alerts from exit and entrance weighings (RULES §13, §15), capability `targeting`:
 * admins see all, operators and enforcement officers their region; a company has no such
 * capability (403) — and were one given it, its scope admits no targeting alert (they have no company owner).
 */
@Controller('v1/targeting')
export class SiteWeighingsController {
  constructor(@Inject(API_CONTEXT) private readonly ctx: ApiContext) {}

  @Get('site-weighings')
  async list(
    @Query() query: unknown,
    @Headers('authorization') auth?: string,
  ): Promise<{ items: SiteWeighingTargetingItem[]; total: number; limit: number; offset: number }> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'targeting');
    const q = parseOr400(siteWeighingTargetingQuery, query, 'query');
    const { total, items } = await this.ctx.siteWeighings.targetingAlerts({
      kinds: q.kind ? [q.kind] : siteWeighingTargetingKind.options,
      scope: scope.filter,
      ...(q.fromMs !== undefined ? { fromMs: q.fromMs } : {}),
      ...(q.toMs !== undefined ? { toMs: q.toMs } : {}),
      limit: q.limit,
      offset: q.offset,
    });
    return {
      items: items.map((a) => ({ ...a, kind: siteWeighingTargetingKind.parse(a.kind), evidence: (a.evidence ?? {}) as Record<string, unknown> })),
      total,
      limit: q.limit,
      offset: q.offset,
    };
  }
}
