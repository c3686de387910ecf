import type { AlertV1, WimMeasurementV1 } from '@roadwatch/contracts';
import { chinaLocalIso, ROAD_CLASS_ZH } from '@roadwatch/domain';
import type { AreaBan, AreaBanEpisode, PermitExcess, PermitHoursEpisode, RouteReport, ScoredAssessment, TrackEpisode } from '@roadwatch/rules';
import type { CheckedVehicle, StoredPermit } from '@roadwatch/storage';

/** What an alert says of a vehicle: its plate, company and region when registered. */
const owner = (vehicle: Pick<CheckedVehicle, 'plate' | 'companyId' | 'regionCode'> | undefined) => ({
  ...(vehicle?.plate !== undefined ? { plate: vehicle.plate } : {}),
  ...(vehicle?.companyId !== undefined ? { companyId: vehicle.companyId } : {}),
  ...(vehicle?.regionCode !== undefined ? { regionCode: vehicle.regionCode } : {}),
});

const minutes = (ms: number): string => (ms / 60_000).toFixed(1);
const km = (m: number): string => (m / 1000).toFixed(2);
/** At most this many reports go into an alert's evidence (the episode row keeps them all). */
const EVIDENCE_REPORTS = 200;
const evidencePositions = (track: readonly RouteReport[]) =>
  track.slice(0, EVIDENCE_REPORTS).map((r) => ({ deviceTimeMs: r.timeMs, latitudeDeg: r.latitudeDeg, longitudeDeg: r.longitudeDeg, speedKmh: r.speedKmh }));

/** What a track episode's alert (permit_hours, area_ban) says beside its rule, summary and details: a major violation over the episode, at its last report. */
const trackEpisodeAlertBase = (episodeId: string, revision: number, episode: TrackEpisode, vehicle: CheckedVehicle) => {
  const last = episode.track[episode.track.length - 1];
  return {
    v: 1 as const,
    alertId: episodeId,
    revision,
    vehicleId: vehicle.vehicleId,
    ...owner(vehicle),
    level: 'violation' as const,
    severity: 'major' as const,
    startedAtMs: episode.startMs,
    endedAtMs: episode.endMs,
    raisedAtMs: episode.atMs,
    firstRaisedAtMs: episode.atMs,
    limitPassedAtMs: episode.atMs,
    evidence: { positions: evidencePositions(episode.track) },
    ...(last ? { latitudeDeg: last.latitudeDeg, longitudeDeg: last.longitudeDeg } : {}),
  };
};

export const permitOfEvidence = (permit: StoredPermit) => ({
  routeId: permit.routeId,
  name: permit.name,
  referenceNo: permit.referenceNo ?? null,
  validFrom: permit.validFrom ?? null,
  validTo: permit.validTo ?? null,
  allowedHours: permit.allowedHours ?? null,
  declared: permit.declared ?? null,
});

const issueZh = { before_valid: '许可生效前', after_valid: '许可过期后', outside_hours: '许可时段外' } as const;
const issueEn = { before_valid: 'before the permit is valid', after_valid: 'after the permit expired', outside_hours: 'outside the permitted hours' } as const;

/** 大件 moving inside a permit's corridor outside its dates or hours (§15: a stretch over 5 min). */
export const permitHoursAlertOf = (
  episodeId: string,
  revision: number,
  episode: PermitHoursEpisode,
  vehicle: CheckedVehicle,
  permits: readonly StoredPermit[],
): AlertV1 => {
  const named = permits.filter((p) => episode.permitIds.includes(p.routeId));
  const refs = named.map((p) => p.referenceNo ?? p.name).join('、');
  return {
    ...trackEpisodeAlertBase(episodeId, revision, episode, vehicle),
    rule: 'permit_hours',
    summary: `大件运输${episode.issues.map((i) => issueZh[i]).join('、')}在许可线路上行驶${minutes(episode.movingMs)}分钟（${km(episode.movingM)}公里；许可证${refs}）`,
    summaryEn: `Oversize transport moving ${minutes(episode.movingMs)} min (${km(episode.movingM)} km) on the permitted route ${episode.issues.map((i) => issueEn[i]).join(', ')} (permit ${refs})`,
    details: {
      permitIds: episode.permitIds,
      issues: episode.issues,
      movingMs: episode.movingMs,
      movingM: episode.movingM,
      startLocal: chinaLocalIso(episode.startMs),
      endLocal: chinaLocalIso(episode.endMs),
      permits: named.map(permitOfEvidence),
    },
  };
};

const figureZh: Record<PermitExcess['figure'], string> = { grossKg: '总质量', lengthMm: '长度', widthMm: '宽度', heightMm: '高度' };
const unit = (figure: PermitExcess['figure']): string => (figure === 'grossKg' ? 'kg' : 'mm');

/** A roadside weighing against the permits: 大车小证 or an overload without a permit. */
export const permitWeighingAlertOf = (
  episodeId: string,
  record: WimMeasurementV1,
  assessment: ScoredAssessment,
  vehicle: CheckedVehicle | undefined,
  station: { name: string; latitudeDeg?: number; longitudeDeg?: number } | undefined,
  verdict: { outcome: 'permit_exceeded'; permit: StoredPermit; excesses: PermitExcess[] } | { outcome: 'oversize_without_permit' },
): AlertV1 => {
  const where = station?.name ?? record.stationId;
  const weighing = {
    measurementId: record.measurementId,
    stationId: record.stationId,
    measuredAtMs: record.measuredAtMs,
    axleCount: record.axleCount,
    measuredGrossKg: assessment.measuredGrossKg,
    confirmedGrossKg: assessment.confirmedGrossKg,
    limitKg: assessment.limit.limitKg,
    dimensionsM: assessment.dimensionsM,
  };
  const base = {
    v: 1 as const,
    alertId: episodeId,
    revision: 0,
    vehicleId: assessment.vehicleId,
    ...owner(vehicle ?? { plate: record.plate }),
    level: 'violation' as const,
    startedAtMs: record.measuredAtMs,
    raisedAtMs: record.measuredAtMs,
    firstRaisedAtMs: record.measuredAtMs,
    evidence: { wimMeasurementId: record.measurementId },
    ...(station?.latitudeDeg !== undefined && station.longitudeDeg !== undefined
      ? { latitudeDeg: station.latitudeDeg, longitudeDeg: station.longitudeDeg }
      : {}),
  };
  if (verdict.outcome === 'permit_exceeded') {
    const ref = verdict.permit.referenceNo ?? verdict.permit.name;
    return {
      ...base,
      rule: 'permit_exceeded',
      severity: 'serious',
      summary: `大车小证：${where}称重${verdict.excesses.map((e) => `${figureZh[e.figure]}${e.weighed}${unit(e.figure)}超过许可${e.declared}${unit(e.figure)}`).join('，')}（许可证${ref}）`,
      summaryEn: `Weighed above the permit at ${where}: ${verdict.excesses.map((e) => `${e.figure} ${e.weighed} over the declared ${e.declared}`).join(', ')} (permit ${ref})`,
      details: { weighing, permit: permitOfEvidence(verdict.permit), excesses: verdict.excesses },
    };
  }
  return {
    ...base,
    rule: 'oversize_without_permit',
    severity: 'serious',
    summary: `无大件运输许可超限：${where}称重${assessment.summary}，当日无有效许可`,
    summaryEn: `Overload without a valid oversize permit that day at ${where}: ${assessment.summaryEn}`,
    details: { weighing, overDimensions: assessment.overDimensions, excessKg: assessment.excessKg },
  };
};

/** Moving inside an area ban in its window (§15: ≥ 3 min or ≥ 1 km). */
const roadsZh = (ban: AreaBan): string => ((ban.roadClasses ?? []).length > 0 ? `，${(ban.roadClasses ?? []).map((c) => ROAD_CLASS_ZH[c]).join('、')}` : '');
const roadsEn = (ban: AreaBan): string => ((ban.roadClasses ?? []).length > 0 ? `, on ${(ban.roadClasses ?? []).join('/')}` : '');

export const areaBanAlertOf = (episodeId: string, revision: number, episode: AreaBanEpisode, ban: AreaBan, vehicle: CheckedVehicle): AlertV1 => {
  const windowIndex = Number(episode.occurrence.split('@')[0]);
  const window = ban.windows[windowIndex];
  const span = window ? `${window.from}–${window.to}` : '';
  return {
    ...trackEpisodeAlertBase(episodeId, revision, episode, vehicle),
    rule: 'area_ban',
    // A region-wide ban binds the region's registered vehicles wherever they drive: it names the ban, not an "inside".
    summary: ban.polygon
      ? `区域限行：${span}在「${ban.name}」内行驶${minutes(episode.movingMs)}分钟（${km(episode.movingM)}公里）`
      : `区域限行：${span}违反「${ban.name}」（辖区${ban.regionCode ?? ''}登记车辆${roadsZh(ban)}）行驶${minutes(episode.movingMs)}分钟（${km(episode.movingM)}公里）`,
    summaryEn: ban.polygon
      ? `Area ban: moving ${minutes(episode.movingMs)} min (${km(episode.movingM)} km) inside "${ban.name}" during ${span}`
      : `Area ban: moving ${minutes(episode.movingMs)} min (${km(episode.movingM)} km) during ${span} against "${ban.name}" (vehicles registered in region ${ban.regionCode ?? ''}${roadsEn(ban)})`,
    details: {
      banId: ban.banId,
      banName: ban.name,
      ...(ban.polygon ? {} : { regionWide: true, regionCode: ban.regionCode ?? null, roadClasses: ban.roadClasses ?? [] }),
      occurrence: episode.occurrence,
      window: window ?? null,
      movingMs: episode.movingMs,
      movingM: episode.movingM,
    },
  };
};
