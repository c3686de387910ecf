import {
  DEFAULT_KEY_SUPERVISION_CONFIG,
  evaluateCompanyKeySupervision,
  evaluateVehicleKeySupervision,
  nextKeySupervisionAction,
  type KeySupervisionConfig,
  type KeySupervisionVerdict,
} from '@roadwatch/rules';
import { KeySupervisionFactsReadModel, KeySupervisionRepository, withJobLock, type Queryable } from '@roadwatch/storage';
import type { SupervisionContext, SupervisionPart, RunningSupervisionPart } from '../supervision.service';

/** The job's name for `withJobLock`: one member of a cluster runs it at a time. */
export const KEY_SUPERVISION_JOB = 'key-supervision';

export interface KeySupervisionRunSummary {
  ran: boolean;
  opened: number;
  extended: number;
  closed: number;
}

/**
 * One pass of the 重点监管 job at `tMs` (RULES.md §10, §15), in one transaction under the job
 * lock: every vehicle with a fact in the window or an open entry, then every company (its share
 * of listed vehicles is counted after this pass's vehicle changes), each judged by libs/rules'
 * pure triggers and its entry opened, extended or closed.
 */
export const runKeySupervisionJob = async (
  context: Pick<SupervisionContext, 'pool'>,
  tMs: number,
  config: KeySupervisionConfig = DEFAULT_KEY_SUPERVISION_CONFIG,
): Promise<KeySupervisionRunSummary> => {
  const outcome = await withJobLock(context.pool, KEY_SUPERVISION_JOB, async (db) => {
    const summary = { ran: true, opened: 0, extended: 0, closed: 0 };
    const entries = new KeySupervisionRepository(db);
    const { open, lastReleaseMs } = await entries.jobState(db);
    const apply = async (
      subjectKind: 'vehicle' | 'company',
      subjectId: string,
      owner: { companyId?: string | undefined; regionCode?: string | undefined },
      verdict: KeySupervisionVerdict,
    ): Promise<number | undefined> => {
      const key = `${subjectKind}:${subjectId}`;
      const entry = open.get(key);
      const action = nextKeySupervisionAction({ open: entry, verdict, lastReleaseAtMs: lastReleaseMs.get(key), tMs, config });
      if (action.kind === 'open') {
        await entries.open(
          { subjectKind, subjectId, ...owner, listedAtMs: action.listedAtMs, lastTriggerAtMs: action.lastTriggerAtMs, reasons: action.reasons },
          db,
        );
        summary.opened += 1;
        return action.lastTriggerAtMs + config.windowMs;
      }
      if (action.kind === 'extend' && entry) {
        await entries.extend(entry.entryId, { reasons: action.reasons, lastTriggerAtMs: action.lastTriggerAtMs, ...owner }, db);
        summary.extended += 1;
        return action.lastTriggerAtMs + config.windowMs;
      }
      if (action.kind === 'renew' && entry) {
        await entries.closeQuiet(entry.entryId, action.exitedAtMs, db);
        await entries.open(
          { subjectKind, subjectId, ...owner, listedAtMs: action.listedAtMs, lastTriggerAtMs: action.lastTriggerAtMs, reasons: action.reasons },
          db,
        );
        summary.closed += 1;
        summary.opened += 1;
        return action.lastTriggerAtMs + config.windowMs;
      }
      if (action.kind === 'close' && entry) {
        await entries.closeQuiet(entry.entryId, action.exitedAtMs, db);
        summary.closed += 1;
        return undefined;
      }
      return entry ? entry.lastTriggerAtMs + config.windowMs : undefined;
    };

    const facts = new KeySupervisionFactsReadModel(db as Queryable);
    const openVehicles = [...open.values()].filter((e) => e.subjectKind === 'vehicle').map((e) => e.subjectId);
    const listedByCompany = new Map<string, { vehicleId: string; exitAtMs: number }[]>();
    for (const subject of await facts.vehicles(tMs - config.windowMs, tMs, openVehicles, config.trackCompletenessBelowPct / 100)) {
      const verdict = evaluateVehicleKeySupervision(subject.facts, tMs, config);
      const exitAtMs = await apply('vehicle', subject.facts.vehicleId, subject, verdict);
      if (exitAtMs !== undefined && exitAtMs > tMs && subject.companyId) {
        listedByCompany.set(subject.companyId, [...(listedByCompany.get(subject.companyId) ?? []), { vehicleId: subject.facts.vehicleId, exitAtMs }]);
      }
    }
    for (const company of await facts.companies(tMs)) {
      const verdict = evaluateCompanyKeySupervision({ ...company, listedVehicles: listedByCompany.get(company.companyId) ?? [] }, tMs, config);
      await apply('company', company.companyId, { companyId: company.companyId, regionCode: company.regionCode }, verdict);
    }
    return summary;
  });
  return outcome.ran ? outcome.result : { ran: false, opened: 0, extended: 0, closed: 0 };
};

/**
 * The supervision part `key-supervision`: runs the job at start and every
 * `KEY_SUPERVISION_INTERVAL_MS` (default 15 min) at the context's clock. A failed pass is
 * logged, counted and retried at the next tick (`/ready` says so until one succeeds); the
 * service keeps running.
 */
export const keySupervisionPart = (config: KeySupervisionConfig = DEFAULT_KEY_SUPERVISION_CONFIG): SupervisionPart => ({
  name: KEY_SUPERVISION_JOB,
  async start(context: SupervisionContext): Promise<RunningSupervisionPart> {
    const intervalMs = context.config.KEY_SUPERVISION_INTERVAL_MS ?? 15 * 60_000;
    const passes = context.metrics.counter('supervision_key_list_passes_total', '重点监管 job passes by outcome', ['outcome']);
    let running: Promise<void> = Promise.resolve();
    let lastError: unknown;
    const tick = (): void => {
      running = running
        .then(async () => {
          const summary = await runKeySupervisionJob(context, context.now(), config);
          passes.inc({ outcome: summary.ran ? 'ran' : 'locked' });
          lastError = undefined;
          if (summary.opened + summary.extended + summary.closed > 0) context.logger.info(summary, '重点监管 list updated');
        })
        .catch((error: unknown) => {
          passes.inc({ outcome: 'failed' });
          lastError = error;
          context.logger.error({ err: error }, '重点监管 job pass failed; retried at the next tick');
        });
    };
    tick();
    const timer = setInterval(tick, intervalMs);
    timer.unref();
    return {
      readiness: [{ name: 'key-supervision', check: () => lastError === undefined }],
      async close() {
        clearInterval(timer);
        await running;
      },
    };
  },
});
