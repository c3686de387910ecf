import { recordKindOf, type WimMeasurementV1 } from '@roadwatch/contracts';
import { vehicleIdOf, type PlateColourCode } from '@roadwatch/domain';
import { DEFAULT_SOURCE_TRACE_CONFIG, traceSource, type ExitRecord, type SourceSite, type SourceTraceConfig, type SourceTraceResult } from '@roadwatch/rules';
import type { Logger } from '@roadwatch/runtime';
import {
  PositionRepository,
  RegistryRepository,
  SiteWeighingRepository,
  type StoragePool,
  type SiteTraceRecord,
  type StoredExitRecord,
  type VehicleRecord,
  SourceTraceRepository,
  TargetingRepository,
} from '@roadwatch/storage';
import { sourceSiteOf } from '@roadwatch/case-lifecycle';

const HOUR_MS = 3_600_000;

export interface SiteWeighingsOptions {
  pool: StoragePool;
  logger: Logger;
  now: () => number;
  config?: SourceTraceConfig;
  /**
   * 未过磅出场 is judged this long after the weighing, when the exit records of its window
   * (which closes at the departure + 10 min, before the weighing) have had time to arrive.
   */
  unweighedExitSettleMs?: number;
  /** An over-limit exit record waits this long for the truck to be seen leaving; then "departure not seen" stands. */
  departureWatchMs?: number;
  /**
   * An entrance refusal is traced this long after its receipt (default 2 min, on `now`): the
   * archiver may not yet have stored the truck's last minutes, and a chain read too early ends
   * "last report > 5 min before t_w" (B where the track gives A). Held in storage meanwhile.
   */
  entranceSettleMs?: number;
}

/** Default settle delay of an entrance refusal: the archiver's batches land within seconds; 2 min leaves room for a loaded one. */
export const DEFAULT_ENTRANCE_SETTLE_MS = 2 * 60_000;

export interface SiteWeighingOutcome {
  trace?: { traceId: string; grade: SourceTraceResult['grade']; siteId: string | null };
  targetingId?: string;
  /** An entrance refusal held for its settle delay, traced by `review` from then on. */
  heldUntilMs?: number;
}

export interface ReviewSummary {
  article71Raised: number;
  unweighedExitJudged: number;
  unweighedExitRaised: number;
  entranceRefusalsTraced: number;
}

/** A stored source site as libs/rules' trace reads it: its polygon, else a circle around its point. */

const exitRecordOf = (m: WimMeasurementV1): StoredExitRecord => ({
  recordId: m.measurementId,
  stationId: m.stationId,
  plate: m.plate,
  plateColour: m.plateColour,
  measuredAtMs: m.measuredAtMs,
  grossKg: m.grossKg,
  axleCount: m.axleCount,
  ...(m.accuracyClassPct !== undefined ? { accuracyClassPct: m.accuracyClassPct } : {}),
});

/** Who and what a site weighing's trace is about; the rule's answer fills in the rest of the row. */
export type SiteTraceSubject = Pick<SiteTraceRecord, 'traceId' | 'triggerKind' | 'measurementId' | 'vehicleId' | 'plate' | 'plateColour' | 'weighedAtMs'> & {
  /** The station's region; none → the row has no region. */
  regionCode: string | undefined;
};

/** The `source_traces` row of a site weighing: the rule's grade, site, proposed company and candidates; `stored` is the result as kept. */
export const siteTraceRecordOf = (subject: SiteTraceSubject, result: SourceTraceResult, stored: unknown = result): SiteTraceRecord => {
  const { regionCode, ...given } = subject;
  return {
    ...given,
    ...(regionCode !== undefined ? { regionCode } : {}),
    grade: result.grade,
    ...(result.siteId !== null ? { sourceSiteId: result.siteId } : {}),
    ...(result.proposedCompanyId !== null ? { sourceCompanyId: result.proposedCompanyId } : {}),
    candidateSiteIds: result.candidateSites.map((site) => site.siteId),
    result: stored,
  };
};

/** What a trace keeps as evidence on a targeting alert: the grade, the site, the reasons. */
const traceEvidence = (traceId: string, result: SourceTraceResult) => ({
  traceId,
  grade: result.grade,
  method: result.method,
  siteId: result.siteId,
  proposedCompanyId: result.proposedCompanyId,
  candidateSites: result.candidateSites,
  reasons: result.reasons,
});

/**
 * The uses of exit-scale and entrance-scale records (RULES §13, §15), every judgement libs/rules'
 * (`traceSource`, whose 第71条 evidence is `article71Evidence`'s):
 * - an entrance refusal starts a trace (its time as t_w) and a targeting alert `entrance_refusal`;
 * - an over-limit exit record starts a trace `exit_over_limit` (A for its site) and, once the truck
 *   is seen > 50 m outside the geofence before a later within-limit exit record, a targeting alert
 *   `exit_over_limit` with the 第71条 evidence ("departure not seen" while no report shows it);
 * - a grade-A violation trace (stored at case opening) to a site with an exit scale and no exit
 *   record of the plate in the window is 未过磅出场: a targeting alert `unweighed_exit`.
 * Everything is idempotent on the weighing's or the trace's id: a redelivery or a second pass adds nothing.
 */
export class SiteWeighings {
  private readonly repo: SiteWeighingRepository;
  private readonly siteReads: SourceTraceRepository;
  private readonly positions: PositionRepository;
  private readonly registry: RegistryRepository;
  /** The one writer of `targeting_alerts` rows, as every enforcement analysis uses it. */
  private readonly targeting: TargetingRepository;
  private readonly config: SourceTraceConfig;

  constructor(private readonly options: SiteWeighingsOptions) {
    this.repo = new SiteWeighingRepository(options.pool);
    this.siteReads = new SourceTraceRepository(options.pool);
    this.positions = new PositionRepository(options.pool);
    this.registry = new RegistryRepository(options.pool);
    this.targeting = new TargetingRepository(options.pool);
    this.config = options.config ?? DEFAULT_SOURCE_TRACE_CONFIG;
  }

  async onMeasurement(measurement: WimMeasurementV1): Promise<SiteWeighingOutcome> {
    const kind = recordKindOf(measurement);
    if (kind === 'entrance' && measurement.entryRefused === true) {
      const dueAtMs = Math.max(measurement.measuredAtMs, measurement.receivedAtMs) + (this.options.entranceSettleMs ?? DEFAULT_ENTRANCE_SETTLE_MS);
      // Settled already (a late record, a replay): traced at once; else held, and `review` traces it when due.
      if (this.options.now() >= dueAtMs) return this.onEntranceRefusal(measurement);
      await this.repo.holdEntranceRefusal(measurement, dueAtMs);
      return { heldUntilMs: dueAtMs };
    }
    if (kind === 'site_exit') return this.judgeExit(exitRecordOf(measurement));
    return {};
  }

  /** The open judgements at the clock's time: 第71条 departures now seen, 未过磅出场 now due. */
  async review(): Promise<ReviewSummary> {
    const nowMs = this.options.now();
    const summary: ReviewSummary = { article71Raised: 0, unweighedExitJudged: 0, unweighedExitRaised: 0, entranceRefusalsTraced: 0 };
    for (const refusal of await this.repo.dueEntranceRefusals(nowMs)) {
      await this.onEntranceRefusal(refusal);
      await this.repo.releaseEntranceRefusal(refusal.measurementId);
      summary.entranceRefusalsTraced += 1;
    }
    for (const open of await this.repo.openExitTraces(nowMs - (this.options.departureWatchMs ?? this.config.windowMs))) {
      const [record] = (await this.repo.exitRecords(open.plate, open.plateColour, open.weighedAtMs, open.weighedAtMs)).filter(
        (r) => r.recordId === open.measurementId,
      );
      if (!record) continue;
      if ((await this.judgeExit(record)).targetingId) summary.article71Raised += 1;
    }
    for (const trace of await this.repo.violationTracesToJudge(nowMs - (this.options.unweighedExitSettleMs ?? 30 * 60_000))) {
      const tw = trace.weighedAtMs;
      const result = traceSource({
        track: await this.trackOf(trace.vehicleId ?? vehicleIdOf(trace.plate, trace.plateColour as PlateColourCode), tw),
        weighing: { stationId: trace.stationId ?? '', measuredAtMs: tw, plate: trace.plate, plateColour: trace.plateColour },
        sites: await this.sites(),
        exitRecords: await this.exitRecordsAround(trace.plate, trace.plateColour, tw),
        config: this.config,
      });
      const unweighed = result.grade === 'A' && result.unweighedExit !== null;
      if (unweighed && result.unweighedExit) {
        const { created: raised } = await this.targeting.record({
          targetingId: `unweighed_exit:${trace.traceId}`,
          kind: 'unweighed_exit',
          plate: trace.plate,
          plateColour: trace.plateColour,
          ...(trace.vehicleId !== undefined ? { vehicleId: trace.vehicleId } : {}),
          ...(trace.stationId !== undefined ? { stationId: trace.stationId } : {}),
          ...(trace.measurementId !== undefined ? { measurementId: trace.measurementId } : {}),
          occurredAtMs: tw,
          ...(trace.regionCode !== undefined ? { regionCode: trace.regionCode } : {}),
          priority: 'normal',
          evidence: { ...traceEvidence(trace.traceId, result), caseId: trace.caseId ?? null, unweighedExit: result.unweighedExit },
        });
        if (raised) summary.unweighedExitRaised += 1;
      }
      await this.repo.markUnweighedExitJudged(trace.traceId, nowMs, unweighed);
      summary.unweighedExitJudged += 1;
    }
    return summary;
  }

  private async onEntranceRefusal(m: WimMeasurementV1): Promise<SiteWeighingOutcome> {
    const { vehicleId, vehicle } = await this.vehicleOf(m.plate, m.plateColour);
    const tw = m.measuredAtMs;
    const result = traceSource({
      ...(vehicle ? { vehicle } : {}),
      track: await this.trackOf(vehicleId, tw),
      weighing: { stationId: m.stationId, measuredAtMs: tw, plate: m.plate, plateColour: m.plateColour },
      sites: await this.sites(),
      exitRecords: await this.exitRecordsAround(m.plate, m.plateColour, tw),
      config: this.config,
    });
    const regionCode = await this.repo.stationRegion(m.stationId);
    const traceId = `entrance:${m.measurementId}`;
    await this.repo.saveTrace(
      siteTraceRecordOf(
        {
          traceId,
          triggerKind: 'entrance_refusal',
          measurementId: m.measurementId,
          vehicleId,
          plate: m.plate,
          plateColour: m.plateColour,
          regionCode,
          weighedAtMs: tw,
        },
        result,
      ),
    );
    const targetingId = `entrance_refusal:${m.measurementId}`;
    await this.targeting.record({
      targetingId,
      kind: 'entrance_refusal',
      plate: m.plate,
      plateColour: m.plateColour,
      vehicleId,
      stationId: m.stationId,
      measurementId: m.measurementId,
      occurredAtMs: tw,
      ...(regionCode !== undefined ? { regionCode } : {}),
      priority: 'normal',
      evidence: { ...traceEvidence(traceId, result), grossKg: m.grossKg, axleCount: m.axleCount },
    });
    return { trace: { traceId, grade: result.grade, siteId: result.siteId }, targetingId };
  }

  /**
   * An exit record traced at its own site (A without reading the track, §15), its 第71条
   * evidence read from the track after it; within the limit → nothing. The alert goes out once
   * the departure is seen; until then the trace says "departure not seen".
   */
  private async judgeExit(record: StoredExitRecord): Promise<SiteWeighingOutcome> {
    const site = (await this.sites()).find((s) => s.exitScaleStationId === record.stationId);
    if (!site) {
      this.options.logger.warn(
        { stationId: record.stationId, measurementId: record.recordId },
        'exit-scale record of a station no source site names: not traced',
      );
      return {};
    }
    const tw = record.measuredAtMs;
    const { vehicleId, vehicle } = await this.vehicleOf(record.plate, record.plateColour);
    const stored = await this.repo.exitRecords(record.plate, record.plateColour, tw - this.config.windowMs, this.options.now() + HOUR_MS);
    // The archiver may not have stored this record yet: it is judged as received.
    const exitRecords: ExitRecord[] = [record, ...stored.filter((r) => r.recordId !== record.recordId)];
    const result = traceSource({
      // The registered vehicle's §4 limit (a combination's registered maximum, RULES §4, §8); none → the axles decide.
      ...(vehicle ? { vehicle } : {}),
      // The track after t_w too: the departure is read there.
      track: await this.trackOf(vehicleId, tw, this.options.now() + HOUR_MS),
      weighing: { stationId: record.stationId, measuredAtMs: tw, plate: record.plate, plateColour: record.plateColour },
      sites: [site],
      exitRecords,
      config: this.config,
    });
    const evidence = result.article71.find((e) => e.recordId === record.recordId);
    if (!evidence) return {};
    const regionCode = (await this.repo.stationRegion(record.stationId)) ?? undefined;
    const traceId = `exit:${record.recordId}`;
    await this.repo.saveTrace(
      siteTraceRecordOf(
        {
          traceId,
          triggerKind: 'exit_over_limit',
          measurementId: record.recordId,
          vehicleId,
          plate: record.plate,
          plateColour: record.plateColour,
          regionCode,
          weighedAtMs: tw,
        },
        result,
        { ...result, article71Outcome: evidence.outcome },
      ),
    );
    if (evidence.outcome !== 'departed') return { trace: { traceId, grade: result.grade, siteId: result.siteId } };
    const targetingId = `exit_over_limit:${record.recordId}`;
    await this.targeting.record({
      targetingId,
      kind: 'exit_over_limit',
      plate: record.plate,
      plateColour: record.plateColour,
      vehicleId,
      stationId: record.stationId,
      measurementId: record.recordId,
      occurredAtMs: tw,
      ...(regionCode !== undefined ? { regionCode } : {}),
      // 第71条 needs the release of an overloaded truck: a lead for the officer, never a penalty by itself.
      priority: site.keySite === true ? 'high' : 'normal',
      evidence: { ...traceEvidence(traceId, result), article71: evidence },
    });
    return { trace: { traceId, grade: result.grade, siteId: result.siteId }, targetingId };
  }

  /** The registered vehicle of a plate (its id keys the stored positions), else the plate's canonical id. */
  private async vehicleOf(plate: string, plateColour: number): Promise<{ vehicleId: string; vehicle?: VehicleRecord }> {
    const registeredId = await this.registry.vehicleIdOfPlate(plate, plateColour);
    const vehicle = registeredId !== undefined ? await this.registry.vehicle(registeredId) : undefined;
    return { vehicleId: registeredId ?? vehicleIdOf(plate, plateColour as PlateColourCode), ...(vehicle ? { vehicle } : {}) };
  }

  private async sites(): Promise<SourceSite[]> {
    return (await this.siteReads.sites()).map(sourceSiteOf);
  }

  /** The stored track of the trace window before t_w (with the hour before it, so a stop is measured whole) up to `toMs`. */
  private async trackOf(vehicleId: string, tw: number, toMs = tw + HOUR_MS) {
    return (await this.positions.track(vehicleId, tw - this.config.windowMs - HOUR_MS, toMs, { bucketMs: 0 })).points;
  }

  private exitRecordsAround(plate: string, plateColour: number, tw: number): Promise<StoredExitRecord[]> {
    return this.repo.exitRecords(plate, plateColour, tw - this.config.windowMs - HOUR_MS, tw + HOUR_MS);
  }
}
