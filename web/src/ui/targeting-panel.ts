import { targetingDecisionRequest, targetingKind, targetingStatus, type TargetingItem, type TargetingKind, type TargetingStatus } from '@roadwatch/contracts';
import type { Api } from '../api';
import { onLangChange, t, type MessageKey } from '../i18n';
import { detached, fmtTime, h, tabStrip } from './dom';
import { errorText, failureOf, Panel } from './panel';

const SVG = 'http://www.w3.org/2000/svg';
type LonLat = [number, number];

interface EvidenceShapes {
  station?: LonLat;
  /** 套牌: the registered vehicle's conflicting fixes. */
  fixes: LonLat[];
  /** Evasion: the pass's reports. */
  track: LonLat[];
  screenLines: LonLat[][];
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const lonLatOf = (o: unknown): LonLat | undefined => {
  const r = o as { latitudeDeg?: unknown; longitudeDeg?: unknown } | null;
  const lat = num(r?.latitudeDeg);
  const lon = num(r?.longitudeDeg);
  return lat !== undefined && lon !== undefined ? [lon, lat] : undefined;
};
const lonLats = (v: unknown): LonLat[] => (Array.isArray(v) ? v.map(lonLatOf).filter((p): p is LonLat => p !== undefined) : []);
const pairs = (v: unknown): LonLat[] =>
  Array.isArray(v) ? v.filter((p): p is LonLat => Array.isArray(p) && num(p[0]) !== undefined && num(p[1]) !== undefined) : [];

/** What a lead's evidence puts on the map (the enforcement analyses' shapes; anything else is left out). */
export const evidenceShapes = (lead: TargetingItem): EvidenceShapes => {
  const e = lead.evidence as Record<string, unknown>;
  const station = lonLatOf(e['station']);
  const lines = (e['station'] as { screenLines?: { upstream?: unknown; downstream?: unknown } } | undefined)?.screenLines;
  return {
    ...(station ? { station } : {}),
    fixes: lonLats(e['conflicts']),
    track: lonLats(e['track']),
    screenLines: lines ? [pairs(lines.upstream), pairs(lines.downstream)].filter((l) => l.length === 2) : [],
  };
};

/** A small equirectangular sketch of the evidence: no tiles, so it works offline and in the embedded default. */
const evidenceMap = (shapes: EvidenceShapes): SVGSVGElement | undefined => {
  const all = [...(shapes.station ? [shapes.station] : []), ...shapes.fixes, ...shapes.track, ...shapes.screenLines.flat()];
  if (all.length < 2) return undefined;
  const W = 360;
  const H = 240;
  const pad = 16;
  const lons = all.map((p) => p[0]);
  const lats = all.map((p) => p[1]);
  const [minLon, maxLon, minLat, maxLat] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
  const kx = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const scale = Math.min((W - 2 * pad) / Math.max((maxLon - minLon) * kx, 1e-6), (H - 2 * pad) / Math.max(maxLat - minLat, 1e-6));
  const xy = ([lon, lat]: LonLat): [number, number] => [pad + (lon - minLon) * kx * scale, H - pad - (lat - minLat) * scale];
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('class', 'tg-map');
  svg.setAttribute('data-testid', 'tg-map');
  const add = (tag: string, attrs: Record<string, string | number>): void => {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    svg.append(el);
  };
  const path = (points: LonLat[]): string => points.map((p, i) => `${i === 0 ? 'M' : 'L'}${xy(p).join(',')}`).join(' ');
  for (const line of shapes.screenLines) add('path', { d: path(line), stroke: '#999', 'stroke-dasharray': '4 3', fill: 'none', class: 'tg-screen-line' });
  if (shapes.track.length > 1) add('path', { d: path(shapes.track), stroke: '#d9480f', 'stroke-width': 2, fill: 'none', class: 'tg-track' });
  for (const f of shapes.fixes) {
    const [x, y] = xy(f);
    add('circle', { cx: x, cy: y, r: 5, fill: '#c92a2a', class: 'tg-fix' });
  }
  if (shapes.station) {
    const [x, y] = xy(shapes.station);
    add('rect', { x: x - 5, y: y - 5, width: 10, height: 10, fill: '#1c7ed6', class: 'tg-station' });
  }
  return svg;
};

/**
 * 布控线索 (RULES.md §13–§14): the leads of the officer's region (kind, status, plate filters),
 * each with its evidence sketched on a small map (the station, the conflicting fix, the pass),
 * the officer's decision (refer to 公安/工信 with a note, or dismiss with a reason), and the
 * 大吨小标 referral list with the weighings behind each suspicion.
 */
export class TargetingPanel extends Panel {
  readonly el: HTMLElement;
  private mode: 'leads' | 'heavyBody' = 'leads';
  private items: TargetingItem[] | undefined;
  private error: string | undefined;
  private opened: string | undefined;
  private readonly table = h('table', { class: 'report-table tg-table', 'data-testid': 'tg-table' });
  private readonly status = h('p', { class: 'muted', 'data-testid': 'tg-status' });
  private readonly kind = h('select', { 'data-testid': 'tg-kind' });
  private readonly state = h('select', { 'data-testid': 'tg-state' });
  private readonly plate = h('input', { type: 'search', 'data-testid': 'tg-plate', maxlength: 16 });

  constructor(
    private readonly api: Api,
    private readonly canDecide: boolean,
  ) {
    super('every show');
    this.fillFilters();
    this.plate.placeholder = t('tg.plate');
    this.el = h(
      'section',
      { class: 'reports targeting', hidden: true, 'data-testid': 'targeting' },
      h(
        'div',
        { class: 'report-form' },
        h('h3', { i18n: 'tg.title' }),
        tabStrip(
          'targeting',
          [
            { id: 'leads', i18n: 'tg.leads', testId: 'tg-leads' },
            { id: 'heavyBody', i18n: 'tg.heavyBody', testId: 'tg-heavyBody' },
          ],
          (mode) => {
            this.mode = mode;
            return this.load();
          },
        ),
        this.kind,
        this.state,
        this.plate,
        h('button', { type: 'button', class: 'primary', i18n: 'tg.refresh', 'data-testid': 'tg-refresh', onclick: () => detached('targeting', this.load()) }),
      ),
      h('p', { class: 'report-note', i18n: 'tg.note' }),
      this.status,
      h('div', { class: 'report-scroll' }, this.table),
    );
    onLangChange(() => {
      this.fillFilters();
      this.plate.placeholder = t('tg.plate');
      this.render();
    });
  }

  private fillFilters(): void {
    const keep = (select: HTMLSelectElement) => select.value;
    const [kind, state] = [keep(this.kind), keep(this.state)];
    this.kind.replaceChildren(
      h('option', { value: '' }, t('tg.allKinds')),
      ...targetingKind.options.map((k) => h('option', { value: k }, t(`tg.kind.${k}` as MessageKey))),
    );
    this.state.replaceChildren(
      h('option', { value: '' }, t('tg.allStatuses')),
      ...targetingStatus.options.map((s) => h('option', { value: s }, t(`tg.status.${s}` as MessageKey))),
    );
    this.kind.value = kind;
    this.state.value = state;
  }

  async load(): Promise<void> {
    this.error = await failureOf(async () => {
      const plate = this.plate.value.trim();
      this.items = await this.api.targetingLeads({
        ...(this.mode === 'heavyBody' ? { kind: 'heavy_body' as const } : this.kind.value ? { kind: this.kind.value as TargetingKind } : {}),
        ...(this.state.value ? { status: this.state.value as TargetingStatus } : {}),
        ...(plate ? { plate } : {}),
      });
    });
    this.render();
  }

  private async decide(targetingId: string, status: 'referred' | 'dismissed', note: string, errorEl: HTMLElement): Promise<void> {
    if (!targetingDecisionRequest.safeParse({ status, note }).success) {
      errorEl.textContent = t('tg.noteRequired');
      return;
    }
    try {
      await this.api.decideTargeting(targetingId, status, note);
      this.status.textContent = t('tg.decided');
      await this.load();
    } catch (e) {
      errorEl.textContent = errorText(e);
    }
  }

  private render(): void {
    if (this.error) {
      this.status.textContent = `${t('tg.error')}: ${this.error}`;
      this.table.replaceChildren();
      return;
    }
    const items = this.items ?? [];
    this.status.textContent = this.items && items.length === 0 ? t('tg.empty') : '';
    const heads: MessageKey[] =
      this.mode === 'heavyBody'
        ? ['tg.time', 'tg.plate', 'tg.emptyKg', 'tg.curbKg', 'tg.excess', 'tg.weighings', 'tg.statusCol']
        : ['tg.time', 'tg.kindCol', 'tg.plate', 'tg.station', 'tg.priority', 'tg.statusCol', 'tg.evidence'];
    this.table.replaceChildren(
      h('thead', {}, h('tr', {}, ...heads.map((key) => h('th', { i18n: key })))),
      h('tbody', {}, ...items.flatMap((lead) => (this.mode === 'heavyBody' ? this.heavyBodyRows(lead) : this.leadRows(lead)))),
    );
  }

  private leadRows(lead: TargetingItem): HTMLElement[] {
    const row = h(
      'tr',
      { 'data-testid': 'tg-row', 'data-kind': lead.kind, 'data-id': lead.targetingId },
      h('td', {}, fmtTime(lead.occurredAtMs)),
      h('td', {}, t(`tg.kind.${lead.kind}` as MessageKey)),
      h('td', {}, lead.plate),
      h('td', {}, lead.stationId ?? ''),
      h('td', { class: `tg-priority-${lead.priority}` }, t(`tg.priority.${lead.priority}` as MessageKey)),
      h('td', {}, t(`tg.status.${lead.status}` as MessageKey)),
      h(
        'td',
        {},
        h('button', {
          type: 'button',
          class: 'link',
          i18n: 'tg.show',
          'data-testid': 'tg-show',
          onclick: () => {
            this.opened = this.opened === lead.targetingId ? undefined : lead.targetingId;
            this.render();
          },
        }),
      ),
    );
    return this.opened === lead.targetingId ? [row, this.detailRow(lead, 7)] : [row];
  }

  private heavyBodyRows(lead: TargetingItem): HTMLElement[] {
    const e = lead.evidence as {
      emptyKg?: number;
      curbKg?: number;
      excessPct?: number;
      weighings?: Array<{ weighingId: string; measuredAtMs: number; grossKg: number; stationId: string }>;
    };
    const weighings = e.weighings ?? [];
    const row = h(
      'tr',
      { 'data-testid': 'tg-heavy-row', 'data-id': lead.targetingId },
      h('td', {}, fmtTime(lead.occurredAtMs)),
      h('td', {}, lead.plate),
      h('td', {}, e.emptyKg !== undefined ? `${e.emptyKg.toLocaleString()} kg` : ''),
      h('td', {}, e.curbKg !== undefined ? `${e.curbKg.toLocaleString()} kg` : ''),
      h('td', {}, e.excessPct !== undefined ? `${e.excessPct.toFixed(1)}%` : ''),
      h(
        'td',
        { class: 'tg-weighings' },
        ...weighings.map((w) => h('div', {}, `${fmtTime(w.measuredAtMs)} · ${w.stationId} · ${w.grossKg.toLocaleString()} kg`)),
      ),
      h('td', {}, t(`tg.status.${lead.status}` as MessageKey)),
    );
    return this.canDecide && lead.status === 'open' ? [row, h('tr', {}, h('td', { colspan: 7 }, this.decisionForm(lead)))] : [row];
  }

  private detailRow(lead: TargetingItem, colspan: number): HTMLElement {
    const reasons = ((lead.evidence as { reasons?: Array<{ zh: string; en: string }> }).reasons ?? []).map((r) => h('li', {}, `${r.zh} / ${r.en}`));
    return h(
      'tr',
      { class: 'tg-detail', 'data-testid': 'tg-detail' },
      h(
        'td',
        { colspan },
        h('p', { class: 'muted', i18n: 'tg.map' }),
        evidenceMap(evidenceShapes(lead)),
        h('ul', {}, ...reasons),
        lead.decisionNote ? h('p', {}, `${t(`tg.status.${lead.status}` as MessageKey)}: ${lead.decisionNote} (${lead.decidedBy ?? ''})`) : undefined,
        this.canDecide && lead.status === 'open' ? this.decisionForm(lead) : undefined,
      ),
    );
  }

  private decisionForm(lead: TargetingItem): HTMLElement {
    const note = h('textarea', { rows: 2, maxlength: 2000, 'data-testid': 'tg-note' });
    note.placeholder = t('tg.decisionNote');
    const errorEl = h('span', { class: 'error', 'data-testid': 'tg-decision-error' });
    const button = (status: 'referred' | 'dismissed', key: MessageKey) =>
      h('button', {
        type: 'button',
        i18n: key,
        'data-testid': `tg-${status}`,
        onclick: () => detached('targeting', this.decide(lead.targetingId, status, note.value, errorEl)),
      });
    return h('div', { class: 'tg-decision' }, note, button('referred', 'tg.refer'), button('dismissed', 'tg.dismiss'), errorEl);
  }
}
