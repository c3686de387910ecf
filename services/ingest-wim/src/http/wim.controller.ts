import { Body, Controller, Get, Headers, HttpCode, HttpException, Inject, Post, Res } from '@nestjs/common';
import { retryAfterSeconds, type RateLimit, type ResponseHeaders } from '@roadwatch/runtime';
import { apiErrorOf, describeIssues, MAX_WIM_BATCH_RECORDS, type FieldIssue } from '@roadwatch/contracts';
import { WimIntake, type IntakeOutcome } from '../wim-intake.usecase';
import { StationKeys } from '../station-keys';
import { openApiDocument } from './openapi';

export const WIM_INTAKE = Symbol('WimIntake');
export const STATION_KEYS = Symbol('StationKeys');
export const STATION_THROTTLE = Symbol('StationThrottle');

/** Each station's budget of records per window, and who to tell when one is refused. */
export interface StationThrottle {
  rateLimit: RateLimit;
  onThrottled?: (stationId: string) => void;
}

export const MAX_BATCH_RECORDS = MAX_WIM_BATCH_RECORDS;

const fail = (status: number, error: string, message: string, issues?: FieldIssue[]): never => {
  throw new HttpException(apiErrorOf(status, message, { error, ...(issues ? { issues } : {}) }), status);
};

/**
 * HTTP face of ingest-wim. Errors name the bad field; 202 means the record is on Kafka;
 * a batch keeps every valid record and reports each invalid one by index.
 */
@Controller()
export class WimController {
  constructor(
    @Inject(WIM_INTAKE) private readonly intake: WimIntake,
    @Inject(STATION_KEYS) private readonly keys: StationKeys,
    @Inject(STATION_THROTTLE) private readonly throttle: StationThrottle,
  ) {}

  @Get('openapi.json')
  openApi(): unknown {
    return openApiDocument;
  }

  @Post('v1/wim/measurements')
  @HttpCode(202)
  async submit(@Body() body: unknown, @Res({ passthrough: true }) response: ResponseHeaders, @Headers('x-api-key') apiKey?: string): Promise<unknown> {
    const stationId = this.authenticate(apiKey);
    await this.spend(stationId, 1, response);
    const outcome = await this.publishOrUnavailable(() => this.intake.submit(body, stationId));
    if (outcome.status === 'invalid') fail(400, 'validation_failed', describeIssues(outcome.issues), outcome.issues);
    if (outcome.status === 'forbidden') fail(403, 'wrong_station', outcome.reason);
    return outcome;
  }

  @Post('v1/wim/measurements/batch')
  @HttpCode(200)
  async submitBatch(@Body() body: unknown, @Res({ passthrough: true }) response: ResponseHeaders, @Headers('x-api-key') apiKey?: string): Promise<unknown> {
    const stationId = this.authenticate(apiKey);
    const records = (body as { records?: unknown } | null)?.records;
    if (!Array.isArray(records)) return fail(400, 'validation_failed', 'records: expected an array', [{ field: 'records', message: 'expected an array' }]);
    if (records.length > MAX_BATCH_RECORDS) {
      return fail(413, 'batch_too_large', `at most ${MAX_BATCH_RECORDS} records per batch, got ${records.length}`);
    }
    // Every record of a batch counts: batching is not a way around the budget.
    await this.spend(stationId, records.length, response);
    const results: Array<IntakeOutcome & { index: number }> = [];
    for (const [index, record] of records.entries()) {
      results.push({ index, ...(await this.publishOrUnavailable(() => this.intake.submit(record, stationId))) });
    }
    return {
      accepted: results.filter((r) => r.status === 'accepted').length,
      duplicates: results.filter((r) => r.status === 'duplicate').length,
      rejected: results.filter((r) => r.status === 'invalid' || r.status === 'forbidden').length,
      results,
    };
  }

  private authenticate(apiKey: string | undefined): string {
    const stationId = this.keys.stationFor(apiKey);
    if (!stationId) return fail(401, 'unauthenticated', 'missing or unknown x-api-key');
    return stationId;
  }

  /** 429 with Retry-After when the station has spent its budget; nothing of the request is taken. */
  private async spend(stationId: string, records: number, response: ResponseHeaders): Promise<void> {
    let decision;
    try {
      decision = await this.throttle.rateLimit.take(stationId, records);
    } catch (error) {
      return fail(503, 'unavailable', `could not check the station's rate limit, retry later (${(error as Error).message})`);
    }
    if (decision.allowed) return;
    this.throttle.onThrottled?.(stationId);
    const seconds = retryAfterSeconds(decision.retryAfterMs);
    response.setHeader('Retry-After', String(seconds));
    fail(429, 'rate_limited', `station ${stationId} is over its budget of records per minute; retry after ${seconds} s`);
  }

  /** Kafka unavailable is the platform's fault and temporary: 503 tells the station to retry. */
  private async publishOrUnavailable(run: () => Promise<IntakeOutcome>): Promise<IntakeOutcome> {
    try {
      return await run();
    } catch (error) {
      return fail(503, 'unavailable', `could not store the record, retry later (${(error as Error).message})`);
    }
  }
}
