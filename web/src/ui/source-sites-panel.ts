import { sourceSiteDto, type SourceSiteDto, type SourceSiteKindItem } from '@roadwatch/contracts';
import type { Feature, Polygon } from 'geojson';
import { TerraDraw, TerraDrawCircleMode, TerraDrawPolygonMode, TerraDrawSelectMode, type GeoJSONStoreFeatures } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import { ApiHttpError, type Api } from '../api';
import { lang, onLangChange, t } from '../i18n';
import { MiniMap } from '../map/mini-map';
import { circleOfDrawn, circleRing, geofenceOfSite, openRing, siteWithGeofence, type DrawnGeofence } from '../sites/geofence-edit';
import { detached, h, StatusLine } from './dom';
import { errorText } from './panel';

type DrawMode = 'polygon' | 'circle' | 'select';

/** What a refused save says: the API's message and each field it named (a crossing ring names its edges). */
export const refusalText = (e: unknown): string => {
  if (e instanceof ApiHttpError) return [e.message, ...e.issues.map((i) => `${i.field}: ${i.message}`)].filter((x, i, all) => all.indexOf(x) === i).join('；');
  return errorText(e);
};

/**
 * 货源地与电子围栏 (issue #15 item 2; RULES.md §13), admin only: every 货运源头单位 site with its
 * kind, 重点源头 flag and geofence; the chosen site's geofence on a map to draw a new polygon,
 * move, insert (drag a midpoint) or delete (right-click) vertices, or place a circle and set
 * its radius (terra-draw, MIT, runs offline on the map's own canvas). Saving PUTs the whole
 * record through the registry use case; the contract's check runs first, then the API's — a
 * self-intersecting ring is refused naming the crossing edges, shown beside the map. The
 * admin's list of site kinds (add, rename, retire while unused) is kept here too.
 */
export class SourceSitesPanel {
  readonly el: HTMLElement;
  private readonly status = new StatusLine('sites-status', (key) => key === 'sites.error');
  private readonly siteTable = h('table', { class: 'report-table', 'data-testid': 'sites-table' });
  private readonly kindTable = h('table', { class: 'report-table', 'data-testid': 'kinds-table' });
  private readonly mapEl = h('div', { class: 'sites-map', 'data-testid': 'sites-map' });
  private readonly title = h('h4', { 'data-testid': 'sites-editing' });
  private readonly kindSelect = h('select', { name: 'siteKind', 'data-testid': 'site-kind' });
  private readonly keySite = h('input', { type: 'checkbox', name: 'keySite', 'data-testid': 'site-key' });
  private readonly radius = h('input', { type: 'number', min: 10, max: 10000, step: 1, name: 'radiusM', 'data-testid': 'site-radius' });
  private readonly saveError = h('p', { class: 'case-error', role: 'alert', 'data-testid': 'site-save-error' });
  private readonly kindError = h('p', { class: 'case-error', role: 'alert', 'data-testid': 'kind-error' });
  private readonly newKind = {
    code: h('input', { name: 'kindCode', placeholder: 'kind_code', maxlength: 64, 'data-testid': 'kind-code' }),
    zh: h('input', { name: 'nameZh', maxlength: 100, 'data-testid': 'kind-zh' }),
    en: h('input', { name: 'nameEn', maxlength: 100, 'data-testid': 'kind-en' }),
  };
  private readonly modeButtons: Record<DrawMode, HTMLButtonElement>;
  private sites: SourceSiteDto[] = [];
  private kinds: SourceSiteKindItem[] = [];
  private selected: SourceSiteDto | undefined;
  private mini: MiniMap | undefined;
  private draw: TerraDraw | undefined;
  private loaded = false;
  private busy = false;

  constructor(private readonly api: Api) {
    const modeButton = (mode: DrawMode, key: string) =>
      h('button', { type: 'button', i18n: key, 'data-testid': `draw-${mode}`, onclick: () => this.setMode(mode) }) as HTMLButtonElement;
    this.modeButtons = {
      polygon: modeButton('polygon', 'sites.drawPolygon'),
      circle: modeButton('circle', 'sites.drawCircle'),
      select: modeButton('select', 'sites.editVertices'),
    };
    this.radius.addEventListener('change', () => this.applyRadius());
    this.el = h(
      'section',
      { class: 'reports source-sites', hidden: true, 'data-testid': 'source-sites' },
      h('h3', { i18n: 'sites.title' }),
      h('p', { class: 'report-note', i18n: 'sites.note' }),
      this.status.el,
      h(
        'div',
        { class: 'sites-layout' },
        h('div', { class: 'report-scroll sites-list' }, this.siteTable, h('h4', { i18n: 'kinds.title' }), this.kindTable, this.kindForm(), this.kindError),
        h(
          'div',
          { class: 'sites-editor' },
          this.title,
          h(
            'div',
            { class: 'buttons' },
            this.modeButtons.polygon,
            this.modeButtons.circle,
            this.modeButtons.select,
            h('button', { type: 'button', i18n: 'sites.clear', 'data-testid': 'draw-clear', onclick: () => this.draw?.clear() }),
          ),
          this.mapEl,
          h(
            'div',
            { class: 'relay-fields' },
            h('label', {}, h('span', { i18n: 'sites.kind' }), this.kindSelect),
            h('label', {}, this.keySite, h('span', { i18n: 'sites.keySite' })),
            h('label', {}, h('span', { i18n: 'sites.radius' }), this.radius),
          ),
          h(
            'div',
            { class: 'buttons' },
            h('button', {
              type: 'button',
              class: 'primary',
              i18n: 'sites.save',
              'data-testid': 'site-save',
              onclick: () => detached('source site', this.save()),
            }),
          ),
          this.saveError,
        ),
      ),
    );
    onLangChange(() => this.render());
  }

  async show(): Promise<void> {
    this.el.hidden = false;
    if (!this.mini) {
      this.mini = new MiniMap(this.mapEl);
      this.mini.whenLoaded(() => this.startDrawing());
    }
    this.mini.map.resize();
    if (!this.loaded) await this.load();
  }

  hide(): void {
    this.el.hidden = true;
  }

  async load(): Promise<void> {
    this.loaded = true;
    this.status.set('sites.loading');
    try {
      [this.sites, this.kinds] = await Promise.all([this.api.adminSourceSites(), this.api.sourceSiteKinds()]);
      this.status.set(this.sites.length === 0 ? 'sites.empty' : undefined);
    } catch (e) {
      this.status.set('sites.error', refusalText(e));
    }
    this.render();
    if (!this.selected && this.sites[0]) this.select(this.sites[0]);
  }

  private startDrawing(): void {
    const mini = this.mini!;
    const vertexEdits = { draggable: true, midpoints: true, deletable: true };
    this.draw = new TerraDraw({
      adapter: new TerraDrawMapLibreGLAdapter({ map: mini.map }),
      modes: [
        new TerraDrawPolygonMode(),
        new TerraDrawCircleMode(),
        new TerraDrawSelectMode({
          flags: {
            // A crossing ring is let through: the contract and the API refuse it naming the edges.
            polygon: { feature: { draggable: true, selfIntersectable: true, coordinates: vertexEdits } },
            circle: { feature: { draggable: true, coordinates: { resizable: 'center-fixed' } } },
          },
        }),
      ],
    });
    this.draw.start();
    // One geofence per site: a newly finished shape replaces what was drawn before.
    this.draw.on('finish', (id, context) => {
      if (context.action !== 'draw') return;
      const others = this.draw!.getSnapshot().filter((f) => f.id !== id);
      if (others.length > 0) this.draw!.removeFeatures(others.map((f) => f.id!));
      this.syncRadius();
    });
    this.draw.on('change', () => this.syncRadius());
    if (this.selected) this.showGeofence(this.selected);
  }

  private setMode(mode: DrawMode): void {
    this.draw?.setMode(mode);
    for (const [m, b] of Object.entries(this.modeButtons)) b.classList.toggle('active', m === mode);
  }

  private select(site: SourceSiteDto): void {
    this.selected = site;
    this.saveError.textContent = '';
    this.kindSelect.value = site.siteKind ?? '';
    this.keySite.checked = site.keySite;
    this.render();
    this.showGeofence(site);
  }

  /** The stored geofence into the editor: a polygon as drawn, a circle as terra-draw's circle (its ring and radius). */
  private showGeofence(site: SourceSiteDto): void {
    if (!this.draw || !this.mini) return;
    this.draw.clear();
    const g = geofenceOfSite(site);
    if (!g) return this.setMode('polygon');
    this.addGeofence(g);
    this.mini.fit(g.kind === 'polygon' ? g.ring : circleRing(g.centre, g.radiusM, 16), 16);
    this.setMode('select');
  }

  private addGeofence(g: DrawnGeofence): void {
    const mini = this.mini!;
    const ring = (g.kind === 'polygon' ? [...g.ring, g.ring[0]!] : circleRing(g.centre, g.radiusM)).map(([lon, lat]) => mini.toDisplay(lon, lat));
    const feature: GeoJSONStoreFeatures = {
      id: crypto.randomUUID(),
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: [ring] },
      properties: g.kind === 'polygon' ? { mode: 'polygon' } : { mode: 'circle', radiusKilometers: g.radiusM / 1000 },
    };
    const [result] = this.draw!.addFeatures([feature]);
    if (result && !result.valid) console.error('[source site] geofence not loaded into the editor:', result.reason);
    this.syncRadius();
  }

  /** The geofence drawn now (WGS-84), or undefined when nothing is drawn. */
  private drawnGeofence(): DrawnGeofence | undefined {
    const mini = this.mini;
    const f = this.draw?.getSnapshot().find((x) => x.geometry.type === 'Polygon') as (Feature<Polygon> & GeoJSONStoreFeatures) | undefined;
    if (!f || !mini) return undefined;
    const ring = f.geometry.coordinates[0]!.map(([lon, lat]) => mini.fromDisplay(lon!, lat!));
    if (f.properties['mode'] === 'circle') return circleOfDrawn(ring, Number(f.properties['radiusKilometers']));
    return { kind: 'polygon', ring: openRing(ring) };
  }

  private syncRadius(): void {
    const g = this.drawnGeofence();
    this.radius.disabled = g?.kind !== 'circle';
    this.radius.value = g?.kind === 'circle' ? String(g.radiusM) : '';
  }

  /** A radius typed for a circle redraws it around the same centre. */
  private applyRadius(): void {
    const g = this.drawnGeofence();
    const radiusM = Number(this.radius.value);
    if (g?.kind !== 'circle' || !Number.isFinite(radiusM) || radiusM <= 0) return;
    this.draw!.clear();
    this.addGeofence({ ...g, radiusM: Math.round(radiusM) });
    this.setMode('select');
  }

  private async save(): Promise<void> {
    const site = this.selected;
    if (!site || this.busy) return;
    this.saveError.textContent = '';
    const g = this.drawnGeofence();
    if (!g) return void (this.saveError.textContent = t('sites.nothingDrawn'));
    const { siteKind: _kind, ...rest } = site;
    const record = siteWithGeofence({ ...rest, ...(this.kindSelect.value ? { siteKind: this.kindSelect.value } : {}), keySite: this.keySite.checked }, g);
    // The contract's own check first: the same words the API would answer, without the round trip.
    const checked = sourceSiteDto.safeParse(record);
    if (!checked.success) return void (this.saveError.textContent = checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('；'));
    this.busy = true;
    try {
      const saved = await this.api.saveSourceSite(checked.data);
      this.sites = this.sites.map((s) => (s.sourceSiteId === saved.sourceSiteId ? saved : s));
      this.selected = saved;
      this.status.set('sites.saved', saved.name);
      this.render();
      this.setMode('select');
    } catch (e) {
      this.saveError.textContent = `${t('sites.saveFailed')}: ${refusalText(e)}`;
    } finally {
      this.busy = false;
    }
  }

  private kindName(code: string | undefined): string {
    const k = this.kinds.find((x) => x.kindCode === code);
    return k ? (lang() === 'en' ? k.nameEn : k.nameZh) : (code ?? '—');
  }

  private render(): void {
    const fenceText = (s: SourceSiteDto): string => {
      const g = geofenceOfSite(s);
      if (!g) return t('sites.noFence');
      return g.kind === 'polygon' ? `${t('sites.polygon')} · ${g.ring.length} ${t('sites.points')}` : `${t('sites.circle')} · ${g.radiusM} m`;
    };
    this.siteTable.replaceChildren(
      h('thead', {}, h('tr', {}, ...['sites.name', 'sites.kind', 'sites.keySite', 'sites.fence'].map((key) => h('th', { i18n: key })))),
      h(
        'tbody',
        {},
        ...this.sites.map((s) =>
          h(
            'tr',
            {
              class: s.sourceSiteId === this.selected?.sourceSiteId ? 'selected' : undefined,
              'data-testid': `site-row-${s.sourceSiteId}`,
              onclick: () => this.select(s),
            },
            h('td', {}, s.name),
            h('td', {}, this.kindName(s.siteKind)),
            h('td', {}, s.keySite ? '★' : ''),
            h('td', {}, fenceText(s)),
          ),
        ),
      ),
    );
    this.title.textContent = this.selected ? `${t('sites.editing')}：${this.selected.name}` : t('sites.pick');
    const chosen = this.kindSelect.value || this.selected?.siteKind || '';
    this.kindSelect.replaceChildren(h('option', { value: '' }, '—'), ...this.kinds.map((k) => h('option', { value: k.kindCode }, this.kindName(k.kindCode))));
    this.kindSelect.value = chosen;
    this.renderKinds();
  }

  private renderKinds(): void {
    this.kindTable.replaceChildren(
      h('thead', {}, h('tr', {}, ...['kinds.code', 'kinds.nameZh', 'kinds.nameEn', 'kinds.sites', 'kinds.actions'].map((key) => h('th', { i18n: key })))),
      h(
        'tbody',
        {},
        ...this.kinds.map((k) => {
          const zh = h('input', { value: k.nameZh, maxlength: 100, 'data-testid': `kind-zh-${k.kindCode}` });
          const en = h('input', { value: k.nameEn, maxlength: 100 });
          return h(
            'tr',
            { 'data-testid': `kind-row-${k.kindCode}` },
            h('td', {}, k.kindCode),
            h('td', {}, zh),
            h('td', {}, en),
            h('td', {}, String(k.siteCount)),
            h(
              'td',
              {},
              h('button', {
                type: 'button',
                i18n: 'kinds.rename',
                onclick: () =>
                  detached(
                    'site kind',
                    this.kindWrite(() => this.api.renameSourceSiteKind(k.kindCode, { nameZh: zh.value, nameEn: en.value, sortOrder: k.sortOrder })),
                  ),
              }),
              h('button', {
                type: 'button',
                i18n: 'kinds.retire',
                disabled: k.siteCount > 0,
                title: k.siteCount > 0 ? t('kinds.inUse') : undefined,
                'data-testid': `kind-retire-${k.kindCode}`,
                onclick: () =>
                  detached(
                    'site kind',
                    this.kindWrite(() => this.api.retireSourceSiteKind(k.kindCode)),
                  ),
              }),
            ),
          );
        }),
      ),
    );
  }

  private kindForm(): HTMLElement {
    return h(
      'form',
      {
        class: 'relay-form',
        novalidate: true,
        'data-testid': 'kind-form',
        onsubmit: (e: Event) => {
          e.preventDefault();
          const body = {
            kindCode: this.newKind.code.value.trim(),
            nameZh: this.newKind.zh.value,
            nameEn: this.newKind.en.value,
            sortOrder: (this.kinds.at(-1)?.sortOrder ?? 0) + 1,
          };
          detached(
            'site kind',
            this.kindWrite(() => this.api.addSourceSiteKind(body)),
          );
        },
      },
      h(
        'div',
        { class: 'relay-fields' },
        h('label', {}, h('span', { i18n: 'kinds.code' }), this.newKind.code),
        h('label', {}, h('span', { i18n: 'kinds.nameZh' }), this.newKind.zh),
        h('label', {}, h('span', { i18n: 'kinds.nameEn' }), this.newKind.en),
      ),
      h('div', { class: 'buttons' }, h('button', { type: 'submit', i18n: 'kinds.add', 'data-testid': 'kind-add' })),
    );
  }

  /** A kind write, then the list again (site counts included); a refusal (taken code, kind in use, bad name) is shown as the API or the contract said it. */
  private async kindWrite(write: () => Promise<unknown>): Promise<void> {
    this.kindError.textContent = '';
    try {
      await write();
      this.kinds = await this.api.sourceSiteKinds();
      this.render();
    } catch (e) {
      const issues = (e as { issues?: Array<{ path: PropertyKey[]; message: string }> }).issues;
      this.kindError.textContent = `${t('sites.saveFailed')}: ${
        !(e instanceof ApiHttpError) && Array.isArray(issues) ? issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('；') : refusalText(e)
      }`;
    }
  }
}
