import type { AlertV1 } from '@roadwatch/contracts';
import type { VehicleFacts } from '@roadwatch/domain';
import { buildAlert, formatDuration, formatDurationZh } from '../common/alerts';
import type { RouteWatchEvent } from './route-watch';

/** What an alert names of a route besides its id. */
export interface RouteLabel {
  name?: string | undefined;
  corridorWidthM?: number | undefined;
}

const km = (m: number): string => (m / 1000).toFixed(2);

/**
 * The alerts of route-watch events (RULES.md §11): `off_route` — one per episode, revision 0 when
 * it counts, a revision as it grows and a final one (`details.closed`) when it ends — with the
 * route, its corridor, the stretch's positions, the maximum offset and the km off route;
 * `stop_passed` (一站一停 not kept) and `unapproved_dwell` (疑似站外上下客). Penalties are the
 * officer's decision (§11): these are evidence.
 */
export const routeWatchAlerts = (facts: VehicleFacts, events: readonly RouteWatchEvent[], routeOf: (routeId: string) => RouteLabel | undefined): AlertV1[] =>
  events.map((event) => {
    if (event.kind === 'off_route') {
      const e = event.episode;
      const route = e.routeId !== null ? routeOf(e.routeId) : undefined;
      const closed = event.phase === 'ended';
      const routeName = route?.name ?? e.routeId ?? '';
      return buildAlert(facts, {
        rule: 'off_route',
        level: 'violation',
        severity: 'major',
        subject: 'vehicle',
        windowKey: e.startMs,
        revision: e.revision,
        startedAtMs: e.startMs,
        ...(closed ? { endedAtMs: e.lastOutsideMs } : {}),
        raisedAtMs: event.atMs,
        ...(e.countedAtMs !== null ? { limitPassedAtMs: e.countedAtMs, firstRaisedAtMs: e.countedAtMs } : {}),
        summary: `不按规定线路行驶：偏离${routeName}走廊 ${km(e.distanceM)} 公里，${formatDurationZh(e.movingMs)}，最大偏离 ${Math.round(e.maxOffsetM)} 米`,
        summaryEn: `Off route: ${km(e.distanceM)} km and ${formatDuration(e.movingMs)} outside the corridor of ${routeName}, at most ${Math.round(e.maxOffsetM)} m beyond it`,
        details: {
          routeId: e.routeId,
          routeName: route?.name ?? null,
          corridorWidthM: route?.corridorWidthM ?? null,
          maxOffsetM: Math.round(e.maxOffsetM * 10) / 10,
          offRouteKm: Math.round(e.distanceM) / 1000,
          movingMs: e.movingMs,
          countedAtMs: e.countedAtMs,
          closed,
          offsetsM: e.stretch.map((p) => Math.round(p.offsetM)),
        },
        evidence: e.stretch.map((p) => ({ deviceTimeMs: p.atMs, latitudeDeg: p.latitudeDeg, longitudeDeg: p.longitudeDeg, speedKmh: p.speedKmh })),
        latitudeDeg: e.stretch[e.stretch.length - 1]?.latitudeDeg ?? 0,
        longitudeDeg: e.stretch[e.stretch.length - 1]?.longitudeDeg ?? 0,
      });
    }
    if (event.kind === 'stop_passed') {
      const route = routeOf(event.routeId);
      const routeName = route?.name ?? event.routeId;
      return buildAlert(facts, {
        rule: 'stop_passed',
        level: 'violation',
        severity: 'minor',
        subject: 'vehicle',
        windowKey: `${event.routeId}:${event.stop.index}:${event.firstBeyondMs}`,
        startedAtMs: event.lastBeforeMs,
        endedAtMs: event.firstBeyondMs,
        raisedAtMs: event.atMs,
        summary: `班线${routeName}未按规定停靠站点「${event.stop.name}」（${Math.round(event.bracketMs / 1000)}秒内驶过）`,
        summaryEn: `Scheduled line ${routeName}: stop "${event.stop.name}" passed without stopping (${Math.round(event.bracketMs / 1000)} s)`,
        details: {
          routeId: event.routeId,
          stopIndex: event.stop.index,
          stopName: event.stop.name,
          stopRadiusM: event.stop.radiusM,
          bracketMs: event.bracketMs,
        },
        latitudeDeg: event.stop.centre.latitudeDeg,
        longitudeDeg: event.stop.centre.longitudeDeg,
      });
    }
    const d = event.dwell;
    const closed = event.phase === 'ended';
    const dwellMs = d.lastMs - d.startMs;
    return buildAlert(facts, {
      rule: 'unapproved_dwell',
      level: 'violation',
      severity: 'minor',
      subject: 'vehicle',
      windowKey: d.startMs,
      revision: closed ? 1 : 0,
      startedAtMs: d.startMs,
      ...(closed ? { endedAtMs: d.lastMs } : {}),
      raisedAtMs: event.atMs,
      ...(d.countedAtMs !== null ? { firstRaisedAtMs: d.countedAtMs, limitPassedAtMs: d.countedAtMs } : {}),
      summary: `疑似站外上下客：站点、服务区和场站外停留${formatDurationZh(dwellMs)}`,
      summaryEn: `Suspected boarding outside stops: stood ${formatDuration(dwellMs)} outside every stop, service area and depot`,
      details: { routeId: d.routeId, dwellMs, closed },
      latitudeDeg: d.latitudeDeg,
      longitudeDeg: d.longitudeDeg,
    });
  });
