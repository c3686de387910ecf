import { Controller, Get, Headers, Inject, Query, StreamableFile } from '@nestjs/common';
import { monthlyNoticeQuery, reportChartsQuery, reportExportQuery, XLSX_MEDIA_TYPE, type ReportChartsResponse } from '@roadwatch/contracts';
import { chinaDateOf } from '@roadwatch/domain';
import { CSV_MEDIA_TYPE, tableCsv, tableXlsx } from '@roadwatch/runtime';
import { companyReportColumns, companyReportSheet, monthlyNoticeXlsx } from '../reports/report-files';
import type { ApiContext } from './api-context';
import { scopeOf } from './auth';
import { fail, parseOr400 } from './http-errors';
import { API_CONTEXT } from './tokens';

const file = (body: Buffer | string, type: string, name: string): StreamableFile =>
  new StreamableFile(typeof body === 'string' ? Buffer.from(body, 'utf8') : body, { type, disposition: `attachment; filename="${name}"` });

/**
 * The reports' charts and files (issue #14 item 6): read-only, scoped like the company report
 * (capability `reports`: a company its own vehicles, an operator its region), except the monthly
 * 通报 (capability `reports.notice`: operators of the region and admin; a company is refused, as
 * a 通报 names other companies).
 */
@Controller()
export class ReportsController {
  constructor(@Inject(API_CONTEXT) private readonly ctx: ApiContext) {}

  /** The data-quality trend per local day and violations by rule and local hour, for a company or region inside the caller's scope. */
  @Get('v1/reports/charts')
  async charts(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<ReportChartsResponse> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'reports');
    const q = parseOr400(reportChartsQuery, query, 'query');
    const filter = { companyId: q.companyId, regionPrefix: q.regionCode };
    const [days, violationsByHour] = await Promise.all([
      this.ctx.reports.qualityTrend(scope, filter, q.fromMs, q.toMs),
      this.ctx.reports.violationsByHour(scope, filter, q.fromMs, q.toMs),
    ]);
    return { fromMs: q.fromMs, toMs: q.toMs, days, violationsByHour };
  }

  /** The company report's rows as CSV (UTF-8 with BOM). */
  @Get('v1/reports/companies.csv')
  async companiesCsv(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<StreamableFile> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'reports');
    const q = parseOr400(reportExportQuery, query, 'query');
    const rows = await this.ctx.reports.companies(scope, q.fromMs, q.toMs);
    return file(tableCsv(companyReportColumns(rows, q.lang), rows), CSV_MEDIA_TYPE, `company-report_${this.rangeName(q.fromMs, q.toMs)}.csv`);
  }

  /** The same rows as XLSX: typed cells, frozen header. */
  @Get('v1/reports/companies.xlsx')
  async companiesXlsx(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<StreamableFile> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'reports');
    const q = parseOr400(reportExportQuery, query, 'query');
    const rows = await this.ctx.reports.companies(scope, q.fromMs, q.toMs);
    const xlsx = await tableXlsx([companyReportSheet(rows, q.lang)], { createdAtMs: this.ctx.now() });
    return file(xlsx, XLSX_MEDIA_TYPE, `company-report_${this.rangeName(q.fromMs, q.toMs)}.xlsx`);
  }

  /**
   * The monthly 通报 of a region: an operator's own region or a part of it (by default all of
   * it; 403 for any other), the admin's any region (by default all).
   */
  @Get('v1/reports/notice.xlsx')
  async notice(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<StreamableFile> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'reports.notice');
    const q = parseOr400(monthlyNoticeQuery, query, 'query');
    if (scope.kind === 'company') return fail(403, 'a 通报 names other companies: company users may not read it');
    const regionCode = q.regionCode ?? (scope.kind === 'region' ? scope.value : undefined);
    if (scope.kind === 'region' && !(regionCode ?? '').startsWith(scope.value)) {
      return fail(403, `region ${regionCode} is outside the caller's region ${scope.value}`);
    }
    const { scores, entries } = await this.ctx.reports.monthlyNotice(q.month, regionCode);
    const xlsx = await monthlyNoticeXlsx({ month: q.month, regionCode, generatedAtMs: this.ctx.now(), scores, entries });
    return file(xlsx, XLSX_MEDIA_TYPE, `notice_${regionCode ?? 'all'}_${q.month}.xlsx`);
  }

  private rangeName(fromMs: number, toMs: number): string {
    return `${chinaDateOf(fromMs)}_${chinaDateOf(Math.max(fromMs, toMs - 1))}`;
  }
}
