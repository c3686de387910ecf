import {
  alertRevisionItem,
  type AlertItem,
  type AlertRevisionItem,
  type AlertRevisionsResponse,
  type AlertRule,
  type AlertV1,
  type Severity,
} from '@roadwatch/contracts';
import { raisedSeverity } from '@roadwatch/rules';
import { AlertRepository, type AlertAck, type StoragePool } from '@roadwatch/storage';
import type { Scope } from '../auth/scope';
import { compact } from './rows';

export interface AlertListQuery {
  rule?: AlertRule[] | undefined;
  severity?: Severity[] | undefined;
  companyId?: string | undefined;
  regionCode?: string | undefined;
  vehicleId?: string | undefined;
  fromMs?: number | undefined;
  toMs?: number | undefined;
  acknowledged?: boolean | undefined;
  limit: number;
  offset: number;
}

/** 百吨王 as the overload rule decided it (libs/rules' overload mapper puts it in the alert's details). */
export const isBaiDunWangAlert = (rule: string, details: unknown): boolean =>
  rule === 'overload' && typeof details === 'object' && details !== null && (details as Record<string, unknown>)['isBaiDunWang'] === true;

/** Owner facts the registry knows now; they take precedence over the alert's own copy. */
export interface AlertOwner {
  plate?: string | undefined;
  companyId?: string | undefined;
  regionCode?: string | undefined;
}

/**
 * The one mapping of an alert to what the API and the live feed show. A vehicle on the 重点监管
 * list has its alerts shown and routed one severity step higher (RULES.md §10, `raisedSeverity`),
 * the detected severity kept beside it; the handling deadline never reads this (§15).
 */
export const alertItemOf = (alert: AlertV1, owner: AlertOwner, ack: AlertAck | null, keySupervised = false): AlertItem =>
  compact({
    alertId: alert.alertId,
    revision: alert.revision,
    vehicleId: alert.vehicleId,
    plate: alert.plate ?? owner.plate,
    companyId: owner.companyId ?? alert.companyId,
    regionCode: owner.regionCode ?? alert.regionCode,
    rule: alert.rule,
    level: alert.level,
    severity: raisedSeverity(alert.severity, keySupervised),
    detectedSeverity: keySupervised ? alert.severity : undefined,
    keySupervised: keySupervised || undefined,
    startedAtMs: alert.startedAtMs,
    endedAtMs: alert.endedAtMs,
    raisedAtMs: alert.raisedAtMs,
    firstRaisedAtMs: alert.firstRaisedAtMs,
    limitPassedAtMs: alert.limitPassedAtMs,
    summary: alert.summary,
    summaryEn: alert.summaryEn,
    isBaiDunWang: isBaiDunWangAlert(alert.rule, alert.details),
    points: alert.points,
    fineYuan: alert.fineYuan,
    latitudeDeg: alert.latitudeDeg,
    longitudeDeg: alert.longitudeDeg,
    receivedLateByMs: alert.receivedLateByMs,
    ack,
  }) as AlertItem;

/** The revision's record, exactly the fields the contract lists (zod's pick leaves out the rest). */
const revisionItemOf = (alert: AlertV1): AlertRevisionItem => alertRevisionItem.parse(alert);

/** Alerts through libs/storage, scoped there on their owner (registry first). */
export class AlertsRepository {
  private readonly alerts: AlertRepository;

  constructor(
    pool: StoragePool,
    /** Whether a vehicle is on the 重点监管 list now (its alerts are shown one step higher). */
    private readonly isKeySupervised: (vehicleId: string) => boolean = () => false,
  ) {
    this.alerts = new AlertRepository(pool);
  }

  async list(scope: Scope, query: AlertListQuery): Promise<AlertItem[]> {
    const found = await this.alerts.find({
      scope: scope.filter,
      rules: query.rule,
      severities: query.severity,
      companyId: query.companyId,
      regionCode: query.regionCode,
      vehicleId: query.vehicleId,
      fromMs: query.fromMs,
      toMs: query.toMs,
      acknowledged: query.acknowledged,
      limit: query.limit,
      offset: query.offset,
    });
    return found.map((alert) => alertItemOf(alert, alert.owner, alert.ack, this.isKeySupervised(alert.vehicleId)));
  }

  /** Undefined when the alert does not exist or the scope does not admit it (404 either way). */
  async get(scope: Scope, alertId: string): Promise<AlertItem | undefined> {
    const alert = await this.alerts.get(alertId, scope.filter);
    return alert ? alertItemOf(alert, alert.owner, alert.ack, this.isKeySupervised(alert.vehicleId)) : undefined;
  }

  /**
   * Every revision of one alert, oldest first; undefined when the alert is not visible in the
   * scope — decided by the same read as `get`, so the two can never disagree.
   */
  async revisions(scope: Scope, alertId: string): Promise<AlertRevisionsResponse | undefined> {
    const alert = await this.alerts.get(alertId, scope.filter);
    if (!alert) return undefined;
    const stored = await this.alerts.revisions(alertId, scope.filter);
    // Stored before revisions were kept: the one revision there is.
    return { alertId, items: (stored.length > 0 ? stored : [alert]).map(revisionItemOf) };
  }
}
