import { chinaMonthOf, monthPeriod, previousMonth, rolling7DaysBefore } from '@roadwatch/rules';
import { AssessmentScheduleReadModel, withJobLock } from '@roadwatch/storage';
import type { RunningSupervisionPart, SupervisionContext, SupervisionPart } from '../supervision.service';
import { computeScores } from './compute-scores';

export interface ScoresPartOptions {
  /** How often the job looks for a period to compute (default: `SCORES_INTERVAL_MS` of the config, else 1 min). */
  intervalMs?: number;
  /** How many ended months are watched for a late change (import, appeal decision, request). */
  lookbackMonths?: number;
}

export interface ScoresRun {
  ran: boolean;
  months: string[];
  rolling: boolean;
}

/**
 * One pass of the scores job at `nowMs`, once per cluster (`withJobLock`): each ended month
 * that has no scores or changed since (the month just ended first computed after it ends), and
 * the rolling 7 days up to today's local midnight once a day.
 */
export const runScoresJob = async (context: Pick<SupervisionContext, 'pool' | 'logger'>, nowMs: number, lookbackMonths = 3): Promise<ScoresRun> => {
  const outcome = await withJobLock(context.pool, 'supervision:scores', async (client) => {
    const schedule = new AssessmentScheduleReadModel(client);
    const months: string[] = [];
    for (let month = previousMonth(chinaMonthOf(nowMs)); months.length < lookbackMonths; month = previousMonth(month)) months.push(month);
    const stale = await schedule.staleMonths(months.map((month) => ({ ...monthPeriod(month), listMonth: `${month}-01` })));
    for (const listMonth of stale) {
      const month = listMonth.slice(0, 7);
      const computed = await computeScores(client, monthPeriod(month), nowMs);
      context.logger.info({ month, ...computed }, 'assessment scores computed');
    }
    const rolling = rolling7DaysBefore(nowMs);
    const rollingDue = !(await schedule.rollingComputed(rolling.endMs));
    if (rollingDue) await computeScores(client, rolling, nowMs);
    return { months: stale.map((m) => m.slice(0, 7)), rolling: rollingDue };
  });
  return outcome.ran ? { ran: true, ...outcome.result } : { ran: false, months: [], rolling: false };
};

/** The 考核 part: computes scores after each local month ends, the rolling 7 days daily, and a month again when it changed. */
export const scoresPart = (options: ScoresPartOptions = {}): SupervisionPart => ({
  name: 'scores',
  start(context: SupervisionContext): Promise<RunningSupervisionPart> {
    const intervalMs = options.intervalMs ?? context.config.SCORES_INTERVAL_MS ?? 60_000;
    let running: Promise<unknown> = Promise.resolve();
    let closed = false;
    const tick = (): void => {
      running = runScoresJob(context, context.now(), options.lookbackMonths).catch((error: unknown) =>
        context.logger.error({ err: error }, 'assessment scores job failed; retried next tick'),
      );
    };
    const timer = setInterval(() => {
      if (!closed) tick();
    }, intervalMs);
    timer.unref();
    tick();
    return Promise.resolve({
      async close() {
        closed = true;
        clearInterval(timer);
        await running;
      },
    });
  },
});
