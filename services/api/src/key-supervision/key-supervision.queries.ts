import type {
  KeySupervisionDensity,
  KeySupervisionEntryItem,
  KeySupervisionEvidenceResponse,
  KeySupervisionListedVehicles,
  KeySupervisionListQuery,
} from '@roadwatch/contracts';
import { DEFAULT_KEY_SUPERVISION_CONFIG } from '@roadwatch/rules';
import { AlertRepository, KeySupervisionRepository, type KeySupervisionEntryRecord, type StoragePool } from '@roadwatch/storage';
import type { Scope } from '../auth/scope';
import { compact } from '../repositories/rows';
import { keySupervisionDensityOf } from './density';

/** An entry as the API answers it: an open one says when it leaves by itself. */
export const keySupervisionEntryItemOf = (entry: KeySupervisionEntryRecord, windowMs = DEFAULT_KEY_SUPERVISION_CONFIG.windowMs): KeySupervisionEntryItem =>
  compact({
    ...entry,
    exitDueAtMs: entry.exitedAtMs === undefined ? entry.lastTriggerAtMs + windowMs : undefined,
  }) as KeySupervisionEntryItem;

/** The 重点监管 reads, each in the caller's scope (libs/storage's owner rule: a vehicle entry is its vehicle's, a company entry its company's). */
export class KeySupervisionQueries {
  private readonly entries: KeySupervisionRepository;
  private readonly alerts: AlertRepository;

  constructor(pool: StoragePool) {
    this.entries = new KeySupervisionRepository(pool);
    this.alerts = new AlertRepository(pool);
  }

  async list(scope: Scope, query: KeySupervisionListQuery): Promise<KeySupervisionEntryItem[]> {
    return (await this.entries.find({ ...query, scope: scope.filter })).map((e) => keySupervisionEntryItemOf(e));
  }

  async get(scope: Scope, entryId: string): Promise<KeySupervisionEntryItem | undefined> {
    const entry = await this.entries.get(entryId, scope.filter);
    return entry ? keySupervisionEntryItemOf(entry) : undefined;
  }

  /**
   * Every evidence link of an entry in scope, resolved: an alert through the alerts' own scope
   * rule (an alert the caller may not see is `found: false`), a quality day of the entry's own
   * vehicle only.
   */
  async evidence(scope: Scope, entryId: string): Promise<KeySupervisionEvidenceResponse | undefined> {
    const entry = await this.entries.get(entryId, scope.filter);
    if (!entry) return undefined;
    const links = [...new Map(entry.reasons.flatMap((r) => r.evidence).map((e) => [`${e.kind}:${e.id}`, e])).values()];
    const days = links
      .filter((e) => e.kind === 'quality_day' && entry.subjectKind === 'vehicle' && e.id.startsWith(`${entry.subjectId}/`))
      .map((e) => e.id.slice(entry.subjectId.length + 1));
    const stored = new Map((await this.entries.qualityDays(entry.subjectId, days)).map((d) => [`${entry.subjectId}/${d.day}`, d]));
    const items: KeySupervisionEvidenceResponse['items'] = [];
    for (const link of links) {
      if (link.kind === 'alert') {
        const alert = await this.alerts.get(link.id, scope.filter);
        items.push(
          alert
            ? {
                ...link,
                found: true,
                alert: compact({
                  alertId: alert.alertId,
                  rule: alert.rule,
                  severity: alert.severity,
                  startedAtMs: alert.startedAtMs,
                  limitPassedAtMs: alert.limitPassedAtMs,
                  points: alert.points,
                  summary: alert.summary,
                  summaryEn: alert.summaryEn,
                }) as NonNullable<KeySupervisionEvidenceResponse['items'][number]['alert']>,
              }
            : { ...link, found: false },
        );
      } else if (link.kind === 'quality_day') {
        const day = stored.get(link.id);
        items.push(day ? { ...link, found: true, day } : { ...link, found: false });
      } else {
        items.push({ ...link, found: true });
      }
    }
    return { entryId, items };
  }

  async listedVehicles(scope: Scope, nowMs: number): Promise<KeySupervisionListedVehicles> {
    return { vehicleIds: await this.entries.listedVehicleIds(scope.filter), asOfMs: nowMs };
  }

  async density(scope: Scope, nowMs: number): Promise<KeySupervisionDensity> {
    return { regions: keySupervisionDensityOf(await this.entries.openRegions(scope.filter)), asOfMs: nowMs };
  }
}
