import type { Feature } from 'geojson';
import type { RouteItem } from '@roadwatch/contracts';
import type { Api } from '../api';
import { onLangChange, t, type MessageKey } from '../i18n';
import { MiniMap } from '../map/mini-map';
import { corridorPolygon } from '../routes/off-route';
import { CORRIDOR_GREEN } from '../routes/off-route-layer';
import { RouteFileError, routeFileGeometry } from '../routes/route-file';
import { detached, fmtTime, h } from './dom';
import { errorText } from './panel';

const KINDS = ['scheduled_line', 'charter', 'hazmat_waybill', 'oversize_permit'] as const;

const failure = (e: unknown): string => (e instanceof RouteFileError ? t('routes.notUtf8') : errorText(e));

/**
 * 路线管理 (issue #16): the approved routes in scope; the selected one on a map with its corridor
 * (green, the line buffered by its half width) and stops. Admin and the region's operators upload
 * a GeoJSON or KML file (UTF-8), bind vehicles, approve a detour window and retire a route; a
 * company reads its own.
 */
export class RoutesPanel {
  readonly el: HTMLElement;
  private routes: RouteItem[] = [];
  private selected: RouteItem | undefined;
  private mini: MiniMap | undefined;
  private readonly mapEl = h('div', { class: 'sites-map', 'data-testid': 'routes-map' });
  private readonly status = h('p', { class: 'muted', 'data-testid': 'routes-status' });
  private readonly table = h('table', { class: 'report-table', 'data-testid': 'routes-table' });
  private readonly detail = h('div', { 'data-testid': 'routes-detail' });
  private readonly upload = {
    routeId: h('input', { maxlength: 64, required: true, 'data-testid': 'routes-f-id' }),
    name: h('input', { maxlength: 200, required: true, 'data-testid': 'routes-f-name' }),
    kind: h('select', { 'data-testid': 'routes-f-kind' }),
    region: h('input', { maxlength: 12, 'data-testid': 'routes-f-region' }),
    company: h('input', { maxlength: 64, 'data-testid': 'routes-f-company' }),
    width: h('input', { type: 'number', min: 1, max: 255, value: 200, 'data-testid': 'routes-f-width' }),
    file: h('input', { type: 'file', accept: '.geojson,.json,.kml', 'data-testid': 'routes-f-file' }),
  };
  private readonly bindInput = h('input', { maxlength: 2000, 'data-testid': 'routes-bind-input' });
  private readonly detour = {
    vehicle: h('input', { maxlength: 64, 'data-testid': 'routes-detour-vehicle' }),
    hours: h('input', { type: 'number', min: 1, max: 72, value: 4, 'data-testid': 'routes-detour-hours' }),
    comment: h('input', { maxlength: 500, 'data-testid': 'routes-detour-comment' }),
  };

  constructor(
    private readonly api: Api,
    private readonly canAdmin: boolean,
    private readonly now: () => number = Date.now,
  ) {
    const field = (key: MessageKey, input: HTMLElement) => h('label', {}, h('span', { i18n: key }), ' ', input);
    this.el = h(
      'section',
      { class: 'reports routes', hidden: true, 'data-testid': 'routes' },
      h('h3', { i18n: 'routes.title' }),
      this.status,
      this.mapEl,
      h('div', { class: 'report-scroll' }, this.table),
      this.detail,
      this.canAdmin
        ? h(
            'form',
            {
              class: 'report-form',
              'data-testid': 'routes-upload',
              onsubmit: (e: Event) => {
                e.preventDefault();
                detached('route upload', this.uploadFile());
              },
            },
            field('routes.id', this.upload.routeId),
            field('routes.name', this.upload.name),
            field('routes.kind', this.upload.kind),
            field('routes.corridorWidthM', this.upload.width),
            h('label', {}, h('span', {}, 'regionCode'), ' ', this.upload.region),
            h('label', {}, h('span', {}, 'companyId'), ' ', this.upload.company),
            field('routes.file', this.upload.file),
            h('button', { type: 'submit', class: 'primary', i18n: 'routes.upload', 'data-testid': 'routes-upload-save' }),
          )
        : undefined,
    );
    this.fillKinds();
    onLangChange(() => {
      this.fillKinds();
      this.render();
    });
  }

  async show(): Promise<void> {
    this.el.hidden = false;
    if (!this.mini) {
      this.mini = new MiniMap(this.mapEl);
      this.mini.whenLoaded(() => this.addLayers());
    }
    this.mini.map.resize();
    await this.load();
  }

  hide(): void {
    this.el.hidden = true;
  }

  async load(): Promise<void> {
    try {
      this.routes = await this.api.routes(true);
      this.status.textContent = this.routes.length === 0 ? t('routes.empty') : '';
    } catch (e) {
      this.status.textContent = `${t('pm.error')}: ${failure(e)}`;
    }
    const keep = this.selected && this.routes.find((r) => r.routeId === this.selected!.routeId);
    this.selected = keep ?? this.routes.find((r) => r.retiredAtMs === undefined);
    this.render();
  }

  private fillKinds(): void {
    const chosen = this.upload.kind.value || 'scheduled_line';
    this.upload.kind.replaceChildren(...KINDS.map((k) => h('option', { value: k }, t(`routes.kind.${k}`))));
    this.upload.kind.value = chosen;
  }

  /** Runs a write; the list reloads after it and a refusal is shown with the API's reason. */
  private async write(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
      this.status.textContent = t('routes.saved');
      await this.load();
    } catch (e) {
      this.status.textContent = `${t('pm.error')}: ${failure(e)}`;
    }
  }

  private async uploadFile(): Promise<void> {
    const file = this.upload.file.files?.[0];
    if (!file) return;
    await this.write(async () => {
      const geometry = routeFileGeometry(file.name, new Uint8Array(await file.arrayBuffer()));
      const region = this.upload.region.value.trim();
      const company = this.upload.company.value.trim();
      const saved = await this.api.saveRoute(this.upload.routeId.value.trim(), {
        kind: this.upload.kind.value as RouteItem['kind'],
        name: this.upload.name.value.trim(),
        corridorWidthM: Number(this.upload.width.value) || 200,
        ...(region ? { regionCode: region } : {}),
        ...(company ? { companyId: company } : {}),
        ...geometry,
      });
      this.selected = saved;
    });
  }

  private addLayers(): void {
    const mini = this.mini!;
    mini.setFeatures('route-corridor', []);
    mini.setFeatures('route-line', []);
    mini.setFeatures('route-stops', []);
    mini.map.addLayer({ id: 'route-corridor', type: 'fill', source: 'route-corridor', paint: { 'fill-color': CORRIDOR_GREEN, 'fill-opacity': 0.25 } });
    mini.map.addLayer({ id: 'route-line', type: 'line', source: 'route-line', paint: { 'line-color': CORRIDOR_GREEN, 'line-width': 3 } });
    mini.map.addLayer({
      id: 'route-stops',
      type: 'circle',
      source: 'route-stops',
      paint: { 'circle-radius': 6, 'circle-color': '#ffffff', 'circle-stroke-color': CORRIDOR_GREEN, 'circle-stroke-width': 3 },
    });
    this.drawSelected();
  }

  private drawSelected(): void {
    const mini = this.mini;
    if (!mini || !mini.map.getLayer('route-line')) return;
    const r = this.selected;
    // The corridor follows once computed; a newer selection by then wins.
    detached(
      'route corridor',
      (r ? corridorPolygon(r) : Promise.resolve(undefined)).then((corridor) => {
        if (this.selected === r) mini.setFeatures('route-corridor', corridor ? [corridor] : []);
      }),
    );
    mini.setFeatures(
      'route-line',
      r ? [{ type: 'Feature', properties: { routeId: r.routeId }, geometry: { type: 'LineString', coordinates: r.polyline } } as Feature] : [],
    );
    mini.setFeatures(
      'route-stops',
      (r?.stops ?? []).map((s) => ({ type: 'Feature', properties: { name: s.name }, geometry: { type: 'Point', coordinates: [s.lon, s.lat] } }) as Feature),
    );
    if (r) mini.fit(r.polyline, 14);
  }

  private render(): void {
    const head = h(
      'tr',
      {},
      ...(['routes.id', 'routes.name', 'routes.kind', 'routes.corridorWidthM', 'routes.stops', 'routes.vehicles', 'routes.source'] as const).map((k) =>
        h('th', {}, t(k)),
      ),
    );
    const rows = this.routes.map((r) =>
      h(
        'tr',
        {
          'data-testid': 'routes-row',
          'data-route': r.routeId,
          class: [r.retiredAtMs ? 'muted' : '', r === this.selected ? 'selected' : ''].join(' ').trim() || undefined,
          onclick: () => {
            this.selected = r;
            this.render();
          },
        },
        h('td', {}, r.routeId),
        h('td', {}, r.name),
        h('td', {}, t(`routes.kind.${r.kind}`)),
        h('td', {}, String(r.corridorWidthM)),
        h('td', {}, r.stops.map((s) => s.name).join('、') || '—'),
        h('td', { 'data-testid': 'routes-row-vehicles' }, r.vehicleIds.join(', ') || '—'),
        h('td', {}, r.retiredAtMs ? `${t('routes.retired')} ${fmtTime(r.retiredAtMs)}` : r.source),
      ),
    );
    this.table.replaceChildren(h('thead', {}, head), h('tbody', {}, ...rows));
    this.renderDetail();
    this.drawSelected();
  }

  private renderDetail(): void {
    const r = this.selected;
    if (!r || !this.canAdmin || r.retiredAtMs !== undefined) {
      this.detail.replaceChildren();
      return;
    }
    this.bindInput.value = r.vehicleIds.join(', ');
    const routeId = r.routeId;
    this.detail.replaceChildren(
      h('h4', {}, `${r.name}（${r.routeId}）`),
      h(
        'form',
        {
          class: 'report-form',
          onsubmit: (e: Event) => {
            e.preventDefault();
            const ids = this.bindInput.value.split(/[,，\s]+/).filter((id) => id.length > 0);
            detached(
              'route bind',
              this.write(() => this.api.bindRouteVehicles(routeId, ids)),
            );
          },
        },
        h('label', {}, h('span', { i18n: 'routes.bind' }), ' ', this.bindInput),
        h('button', { type: 'submit', i18n: 'routes.bindSave', 'data-testid': 'routes-bind-save' }),
      ),
      h(
        'form',
        {
          class: 'report-form',
          onsubmit: (e: Event) => {
            e.preventDefault();
            const fromMs = this.now();
            const vehicleId = this.detour.vehicle.value.trim();
            detached(
              'route detour',
              this.write(() =>
                this.api.approveDetour(routeId, {
                  ...(vehicleId ? { vehicleId } : {}),
                  fromMs,
                  toMs: fromMs + (Number(this.detour.hours.value) || 1) * 3_600_000,
                  comment: this.detour.comment.value.trim(),
                }),
              ),
            );
          },
        },
        h('label', {}, h('span', { i18n: 'routes.detourVehicle' }), ' ', this.detour.vehicle),
        h('label', {}, h('span', { i18n: 'routes.detourHours' }), ' ', this.detour.hours),
        h('label', {}, h('span', { i18n: 'routes.detourComment' }), ' ', this.detour.comment),
        h('button', { type: 'submit', i18n: 'routes.detour', 'data-testid': 'routes-detour-save' }),
      ),
      h('button', {
        type: 'button',
        i18n: 'routes.retire',
        'data-testid': 'routes-retire',
        onclick: () =>
          detached(
            'route retire',
            this.write(() => this.api.retireRoute(routeId)),
          ),
      }),
    );
  }
}
