import type { AreaBanItem, PermitAuditResponse } from '@roadwatch/contracts';
import type { Api } from '../api';
import { ROAD_CLASSES } from '@roadwatch/domain';
import { lang, onLangChange, t, type MessageKey } from '../i18n';
import { parsePolygonText, parseWindowsText, windowsLabel } from '../permits/area-ban-form';
import { detached, fmtTime, h } from './dom';
import { errorText, Panel } from './panel';

const SVG = 'http://www.w3.org/2000/svg';
const COLOURS = ['#c92a2a', '#1c7ed6', '#2b8a3e', '#e67700', '#862e9c'];

/** Whom and where a ban binds: its polygon, or (region-wide) the vehicles registered in its region; and its road classes when named. */
const scopeLabel = (ban: AreaBanItem): string => {
  const where = ban.polygon ? t('pm.scopePolygon') : `${t('pm.scopeRegion')} ${ban.regionCode ?? ''}`;
  const roads = (ban.roadClasses ?? []).map((c) => t(`roadClass.${c}` as MessageKey)).join('、');
  return roads ? `${where}；${roads}` : where;
};

/** Every ban's polygon on one small equirectangular sketch (no tiles: works offline), each in its colour with its id. */
const bansMap = (bans: readonly AreaBanItem[]): SVGSVGElement | undefined => {
  const all = bans.flatMap((b) => b.polygon ?? []);
  if (all.length < 3) return undefined;
  const [W, H, pad] = [480, 300, 16];
  const lons = all.map((p) => p[0]);
  const lats = all.map((p) => p[1]);
  const [minLon, maxLon, minLat, maxLat] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
  const kx = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const scale = Math.min((W - 2 * pad) / Math.max((maxLon - minLon) * kx, 1e-6), (H - 2 * pad) / Math.max(maxLat - minLat, 1e-6));
  const xy = ([lon, lat]: readonly [number, number]): string => `${pad + (lon - minLon) * kx * scale},${H - pad - (lat - minLat) * scale}`;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  // A fixed size in the flow: a sketch scaled to the panel's width would cover the table below it.
  svg.setAttribute('width', String(W));
  svg.setAttribute('height', String(H));
  svg.setAttribute('style', 'display: block; max-width: 100%');
  svg.setAttribute('data-testid', 'pm-bans-map');
  bans.forEach((ban, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const polygon = document.createElementNS(SVG, 'polygon');
    polygon.setAttribute('points', (ban.polygon ?? []).map(xy).join(' '));
    polygon.setAttribute('fill', colour);
    polygon.setAttribute('fill-opacity', ban.retiredAtMs ? '0.05' : '0.25');
    polygon.setAttribute('stroke', colour);
    polygon.setAttribute('class', 'pm-ban');
    polygon.setAttribute('data-ban', ban.banId);
    const title = document.createElementNS(SVG, 'title');
    title.textContent = `${ban.name} ${windowsLabel(ban, lang())}`;
    polygon.append(title);
    svg.append(polygon);
  });
  return svg;
};

/**
 * 大件与限行 (issue #16): the area bans in scope — drawn on a sketch with their windows, written
 * by admin and the region's operators — and the audit sheet of a 大件 permit (倒查) with its XLSX.
 */
export class PermitsPanel extends Panel {
  readonly el: HTMLElement;
  private bans: AreaBanItem[] = [];
  private audit: PermitAuditResponse | undefined;
  private readonly status = h('p', { class: 'muted', 'data-testid': 'pm-status' });
  private readonly bansTable = h('table', { class: 'report-table', 'data-testid': 'pm-bans' });
  private readonly mapBox = h('div', { 'data-testid': 'pm-map-box' });
  private readonly auditBox = h('div', { 'data-testid': 'pm-audit' });
  private readonly permitId = h('input', { type: 'search', maxlength: 64, 'data-testid': 'pm-permit-id' });
  private readonly form = {
    banId: h('input', { maxlength: 64, 'data-testid': 'pm-f-id' }),
    name: h('input', { maxlength: 200, 'data-testid': 'pm-f-name' }),
    region: h('input', { maxlength: 12, 'data-testid': 'pm-f-region' }),
    classes: h('input', { value: 'hazmat', 'data-testid': 'pm-f-classes' }),
    windows: h('input', { value: '22:00-06:00', 'data-testid': 'pm-f-windows' }),
    polygon: h('textarea', { rows: 2, 'data-testid': 'pm-f-polygon' }),
    regionWide: h('input', { type: 'checkbox', 'data-testid': 'pm-f-region-wide' }),
    roadClasses: ROAD_CLASSES.map((c) => h('input', { type: 'checkbox', value: c, 'data-road-class': c })),
    validFrom: h('input', { type: 'date', 'data-testid': 'pm-f-valid-from' }),
    validTo: h('input', { type: 'date', 'data-testid': 'pm-f-valid-to' }),
  };

  constructor(
    private readonly api: Api,
    private readonly canAdmin: boolean,
    private readonly canAudit: boolean,
  ) {
    super('every show');
    this.permitId.placeholder = t('pm.permitId');
    // A region-wide ban has no polygon to type.
    this.form.regionWide.addEventListener('change', () => {
      this.form.polygon.disabled = this.form.regionWide.checked;
    });
    const field = (key: MessageKey, input: HTMLElement) => h('label', {}, h('span', { i18n: key }), ' ', input);
    this.el = h(
      'section',
      { class: 'reports permits', hidden: true, 'data-testid': 'permits' },
      h('h3', { i18n: 'pm.bans' }),
      h('p', { class: 'report-note', i18n: 'pm.bansNote' }),
      this.status,
      this.mapBox,
      h('div', { class: 'report-scroll' }, this.bansTable),
      this.canAdmin
        ? h(
            'form',
            {
              class: 'report-form',
              'data-testid': 'pm-form',
              onsubmit: (e: Event) => {
                e.preventDefault();
                detached('area ban', this.save());
              },
            },
            field('pm.banId', this.form.banId),
            field('pm.name', this.form.name),
            field('pm.region', this.form.region),
            field('pm.classes', this.form.classes),
            field('pm.windows', this.form.windows),
            h('label', { class: 'check' }, this.form.regionWide, ' ', h('span', { i18n: 'pm.regionWide' })),
            field('pm.polygon', this.form.polygon),
            h(
              'fieldset',
              { class: 'inline', 'data-testid': 'pm-f-road-classes' },
              h('legend', { i18n: 'pm.roadClasses' }),
              ...this.form.roadClasses.map((box) => h('label', {}, box, ' ', h('span', { i18n: `roadClass.${box.value}` as MessageKey }))),
            ),
            field('pm.validFrom', this.form.validFrom),
            field('pm.validTo', this.form.validTo),
            h('button', { type: 'submit', class: 'primary', i18n: 'pm.save', 'data-testid': 'pm-save' }),
          )
        : undefined,
      this.canAudit ? h('h3', { i18n: 'pm.audit' }) : undefined,
      this.canAudit ? h('p', { class: 'report-note', i18n: 'pm.auditNote' }) : undefined,
      this.canAudit
        ? h(
            'form',
            {
              class: 'report-form',
              onsubmit: (e: Event) => {
                e.preventDefault();
                detached('permit audit', this.loadAudit());
              },
            },
            this.permitId,
            h('button', { type: 'submit', class: 'primary', i18n: 'pm.load', 'data-testid': 'pm-audit-load' }),
            h('button', { type: 'button', i18n: 'pm.xlsx', 'data-testid': 'pm-audit-xlsx', onclick: () => detached('permit audit xlsx', this.download()) }),
          )
        : undefined,
      this.auditBox,
    );
    onLangChange(() => {
      this.permitId.placeholder = t('pm.permitId');
      this.render();
    });
  }

  async load(): Promise<void> {
    try {
      this.bans = await this.api.areaBans(true);
      this.status.textContent = '';
    } catch (e) {
      this.status.textContent = `${t('pm.error')}: ${errorText(e)}`;
    }
    this.render();
  }

  private async save(): Promise<void> {
    const regionWide = this.form.regionWide.checked;
    // A region-wide ban has no polygon: it binds the vehicles registered in the region, wherever they drive.
    const polygon = regionWide ? undefined : parsePolygonText(this.form.polygon.value);
    const windows = parseWindowsText(this.form.windows.value);
    try {
      if (!regionWide && !polygon) throw new Error(t('pm.polygon'));
      if (!windows) throw new Error(t('pm.windows'));
      const region = this.form.region.value.trim();
      const roadClasses = this.form.roadClasses.filter((box) => box.checked).map((box) => box.value) as NonNullable<AreaBanItem['roadClasses']>;
      await this.api.saveAreaBan({
        banId: this.form.banId.value.trim(),
        name: this.form.name.value.trim(),
        ...(region ? { regionCode: region } : {}),
        ...(polygon ? { polygon } : {}),
        vehicleClasses: this.form.classes.value.split(/[,，\s]+/).filter((c) => c.length > 0) as AreaBanItem['vehicleClasses'],
        windows,
        ...(roadClasses.length > 0 ? { roadClasses } : {}),
        ...(this.form.validFrom.value ? { validFrom: this.form.validFrom.value } : {}),
        ...(this.form.validTo.value ? { validTo: this.form.validTo.value } : {}),
      });
      await this.load();
    } catch (e) {
      this.status.textContent = `${t('pm.error')}: ${errorText(e)}`;
    }
  }

  private async retire(banId: string): Promise<void> {
    try {
      await this.api.retireAreaBan(banId);
      await this.load();
    } catch (e) {
      this.status.textContent = `${t('pm.error')}: ${errorText(e)}`;
    }
  }

  private async loadAudit(): Promise<void> {
    const routeId = this.permitId.value.trim();
    if (!routeId) return;
    try {
      this.audit = await this.api.permitAudit(routeId);
      this.status.textContent = '';
    } catch (e) {
      this.audit = undefined;
      this.status.textContent = `${t('pm.error')}: ${errorText(e)}`;
    }
    this.render();
  }

  private async download(): Promise<void> {
    const routeId = this.permitId.value.trim();
    if (!routeId) return;
    try {
      const url = URL.createObjectURL(await this.api.permitAuditXlsx(routeId));
      const a = h('a', { href: url, download: `permit-audit_${routeId}.xlsx` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1_000);
    } catch (e) {
      this.status.textContent = `${t('pm.error')}: ${errorText(e)}`;
    }
  }

  private render(): void {
    const language = lang();
    // Region-wide bans have no area to draw: the table says whom they bind.
    this.mapBox.replaceChildren(...[bansMap(this.bans.filter((b) => !b.retiredAtMs && b.polygon))].filter((x): x is SVGSVGElement => x !== undefined));
    const head = h(
      'tr',
      {},
      ...(['pm.banId', 'pm.name', 'pm.region', 'pm.scope', 'pm.classes', 'pm.windows', 'pm.validity'] as const).map((k) => h('th', {}, t(k))),
      this.canAdmin ? h('th', {}) : undefined,
    );
    const rows = this.bans.map((ban) =>
      h(
        'tr',
        { 'data-testid': 'pm-ban-row', 'data-ban': ban.banId, class: ban.retiredAtMs ? 'muted' : undefined },
        h('td', {}, ban.banId),
        h('td', {}, ban.name),
        h('td', {}, ban.regionCode ?? '—'),
        h('td', { 'data-testid': 'pm-ban-scope' }, scopeLabel(ban)),
        h('td', {}, ban.vehicleClasses.map((c) => t(`class.${c}` as MessageKey)).join('、')),
        h('td', { 'data-testid': 'pm-ban-windows' }, windowsLabel(ban, language)),
        h('td', {}, `${ban.validFrom ?? '—'} ~ ${ban.validTo ?? '—'}`),
        this.canAdmin
          ? h(
              'td',
              {},
              ban.retiredAtMs
                ? fmtTime(ban.retiredAtMs)
                : h('button', { type: 'button', i18n: 'pm.retire', 'data-testid': 'pm-retire', onclick: () => detached('area ban', this.retire(ban.banId)) }),
            )
          : undefined,
      ),
    );
    this.bansTable.replaceChildren(h('thead', {}, head), h('tbody', {}, ...rows));
    const a = this.audit;
    if (!a) {
      this.auditBox.replaceChildren();
      return;
    }
    const share = a.shareOnRoute === null ? '—' : `${(a.shareOnRoute * 100).toFixed(2)}%`;
    this.auditBox.replaceChildren(
      h(
        'p',
        { 'data-testid': 'pm-audit-summary' },
        `${a.permit.referenceNo ?? a.permit.routeId} · ${a.plate ?? a.vehicleId} · ${t('pm.share')} ${share} · ${t('pm.km')} ${(a.totalM / 1000).toFixed(2)} · ${t('pm.outside')} ${(a.outsideMovingMs / 60_000).toFixed(1)}`,
      ),
      h(
        'table',
        { class: 'report-table', 'data-testid': 'pm-audit-stretches' },
        h(
          'tbody',
          {},
          ...a.stretches.map((s) =>
            h(
              'tr',
              {},
              h('td', {}, `${fmtTime(s.startMs)} – ${fmtTime(s.endMs)}`),
              h('td', {}, (s.movingMs / 60_000).toFixed(1)),
              h('td', {}, s.counted ? '✕' : ''),
            ),
          ),
        ),
      ),
      h('h4', { i18n: 'pm.weighings' }),
      h(
        'table',
        { class: 'report-table', 'data-testid': 'pm-audit-weighings' },
        h(
          'tbody',
          {},
          ...a.weighings.map((w) =>
            h(
              'tr',
              {},
              h('td', {}, fmtTime(w.measuredAtMs)),
              h('td', {}, w.stationId),
              h('td', {}, `${Math.round(w.confirmedGrossKg)} kg`),
              h('td', {}, t(`pm.verdict.${w.verdict}` as MessageKey)),
            ),
          ),
        ),
      ),
    );
  }
}
