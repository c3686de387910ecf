import type { OverloadViolationV1 } from '@roadwatch/contracts';
import {
  acceptedFixes,
  DEFAULT_SOURCE_TRACE_CONFIG,
  DEFAULT_WIM_GPS_CONFIG,
  traceSource,
  type Geofence,
  type SourceSite,
  type SourceTraceConfig,
  type SourceTraceResult,
  type WimGpsConfig,
} from '@roadwatch/rules';
import type { CaseHistoryRepository, RegistryRepository, SourceTraceRecord, SourceTraceRepository, TraceSiteRecord } from '@roadwatch/storage';

/** One trace per violation, whatever the delivery count. */
export const violationTraceIdOf = (violationId: string): string => `trace:violation:${violationId}`;

/** What a trace at case opening reads and writes: over the opening's transaction. */
export interface SourceTraceReads {
  sourceTraces: SourceTraceRepository;
  registry: RegistryRepository;
  history: CaseHistoryRepository;
}

export interface SourceTraceAtOpeningConfig {
  /** Default RULES.md §13's figures (`DEFAULT_SOURCE_TRACE_CONFIG`). */
  traceConfig?: SourceTraceConfig;
  /** The §6 / drift filter the track goes through (`acceptedFixes`), default `DEFAULT_WIM_GPS_CONFIG`. */
  wimGpsConfig?: WimGpsConfig;
}

/**
 * Reports read past t_w: a stop in progress at t_w is the weighing's own only if the track
 * shows it; the window's first stop is measured whole, so the read starts one §8 stop earlier.
 */
const AFTER_WEIGHING_MS = 30 * 60_000;
const BEFORE_WINDOW_MS = 2 * 60 * 60_000;

/** The site as `traceSource` reads it: its polygon, else a circle around its point. */
export const sourceSiteOf = (s: TraceSiteRecord): SourceSite => {
  let geofence: Geofence | undefined;
  if (s.geofencePolygon && s.geofencePolygon.length > 0) geofence = { kind: 'polygon', rings: [s.geofencePolygon] };
  else if (s.latitudeDeg !== undefined && s.longitudeDeg !== undefined)
    geofence = {
      kind: 'circle',
      centre: { latitudeDeg: s.latitudeDeg, longitudeDeg: s.longitudeDeg },
      ...(s.geofenceRadiusM !== undefined ? { radiusM: s.geofenceRadiusM } : {}),
    };
  return {
    siteId: s.sourceSiteId,
    name: s.name,
    keySite: s.keySite,
    ...(s.companyId ? { companyId: s.companyId } : {}),
    ...(s.siteKind ? { kind: s.siteKind } : {}),
    ...(geofence ? { geofence } : {}),
    ...(s.latitudeDeg !== undefined && s.longitudeDeg !== undefined ? { location: { latitudeDeg: s.latitudeDeg, longitudeDeg: s.longitudeDeg } } : {}),
    ...(s.exitStationId ? { exitScaleStationId: s.exitStationId } : {}),
  };
};

const statusOf = (grade: SourceTraceResult['grade']): SourceTraceRecord['status'] => (grade === 'A' ? 'proposed' : grade === 'B' ? 'to_confirm' : 'recorded');

/**
 * 源头倒查 at case opening (RULES.md §13, §15 "Four parties"): the vehicle's accepted reports
 * of the window before the weighing, the source sites and the plate's exit-scale records,
 * read from storage, `traceSource` of libs/rules run on them, the answer stored in
 * `source_traces` (trigger `violation`) inside the opening's transaction. A redelivered
 * violation finds its trace and does not trace again.
 */
export class SourceTraceAtOpening {
  private readonly traceConfig: SourceTraceConfig;
  private readonly wimGpsConfig: WimGpsConfig;

  constructor(config: SourceTraceAtOpeningConfig = {}) {
    this.traceConfig = config.traceConfig ?? DEFAULT_SOURCE_TRACE_CONFIG;
    this.wimGpsConfig = config.wimGpsConfig ?? DEFAULT_WIM_GPS_CONFIG;
  }

  async trace(violation: OverloadViolationV1, caseId: string, reads: SourceTraceReads): Promise<SourceTraceRecord> {
    const traceId = violationTraceIdOf(violation.violationId);
    const stored = await reads.sourceTraces.get(traceId);
    if (stored) return stored;

    const m = violation.measurement;
    const twMs = m.measuredAtMs;
    const vehicle = await reads.registry.vehicle(violation.vehicleId);
    const companyId = violation.companyId ?? vehicle?.companyId;
    // The region the trace is counted in (ranking, layers): the vehicle's, else its company's (as OWNER_OF.vehicle reads it).
    const regionCode = vehicle?.regionCode ?? (companyId ? (await reads.history.company(companyId))?.regionCode : undefined);
    // §15: a weighing in a 套牌 conflict is not traced on the registered vehicle's track.
    const cloned = await reads.sourceTraces.clonedPlateConflict(m.measurementId);
    const positions = cloned
      ? []
      : await reads.sourceTraces.positions(violation.vehicleId, twMs - this.traceConfig.windowMs - BEFORE_WINDOW_MS, twMs + AFTER_WEIGHING_MS);
    const accepted = new Set(acceptedFixes(positions, this.wimGpsConfig).accepted.map((f) => f.timeMs));
    const track = positions.filter((p) => accepted.has(p.deviceTimeMs));
    const sites = (await reads.sourceTraces.sites()).map(sourceSiteOf);
    // 第71条 reads the exit records of the window before t_w; 未过磅出场 those around the departure.
    const exitRecords = await reads.sourceTraces.exitRecords(m.plate, twMs - this.traceConfig.windowMs - BEFORE_WINDOW_MS, twMs + AFTER_WEIGHING_MS);

    const result = traceSource({
      track,
      weighing: { stationId: m.stationId, measuredAtMs: twMs, plate: m.plate, plateColour: m.plateColour },
      sites,
      exitRecords: exitRecords.map((r) => ({
        recordId: r.measurementId,
        stationId: r.stationId,
        plate: r.plate,
        plateColour: r.plateColour,
        measuredAtMs: r.measuredAtMs,
        grossKg: r.grossKg,
        axleCount: r.axleCount,
        ...(r.accuracyClassPct !== undefined ? { accuracyClassPct: r.accuracyClassPct } : {}),
      })),
      ...(vehicle ? { vehicle } : {}),
      config: this.traceConfig,
      clonedPlateConflict: cloned,
    });
    const site = result.siteId ? sites.find((s) => s.siteId === result.siteId) : undefined;
    const record: SourceTraceRecord = {
      traceId,
      triggerKind: 'violation',
      violationId: violation.violationId,
      caseId,
      measurementId: m.measurementId,
      vehicleId: violation.vehicleId,
      plate: m.plate,
      plateColour: m.plateColour,
      ...(regionCode ? { regionCode } : {}),
      weighedAtMs: twMs,
      grade: result.grade,
      ...(result.siteId ? { sourceSiteId: result.siteId } : {}),
      ...(result.grade === 'A' && (result.proposedCompanyId ?? site?.companyId)
        ? { sourceCompanyId: (result.proposedCompanyId ?? site?.companyId) as string }
        : {}),
      candidateSiteIds: result.candidateSites.map((c) => c.siteId),
      unweighedExit: result.unweighedExit !== null,
      result: { ...result, clonedPlateConflict: cloned } as unknown as Record<string, unknown>,
      status: statusOf(result.grade),
    };
    await reads.sourceTraces.insert(record);
    return record;
  }
}
