import type { ApiRole, CaseSourceTraceResponse, SourceTraceItem } from '@roadwatch/contracts';
import type { TrackResponse } from '@roadwatch/contracts';
import type { Feature } from 'geojson';
import type { Api } from '../api';
import { lang, onLangChange, t } from '../i18n';
import { MiniMap } from '../map/mini-map';
import { circleRing, geofenceOfSite } from '../sites/geofence-edit';
import { detached, fmtTime, h } from './dom';
import { errorText, failureOf } from './panel';

const minutes = (ms: number): string => `${Math.round(ms / 60_000)} min`;

/**
 * The case page's 货源地倒查 panel (RULES.md §13): the grade and its reasons as the rule wrote
 * them (Chinese first, English on switch), the proposed site or the candidates, the timeline
 * of the window's stops, and for an officer (or admin) the confirm / reject form with a comment.
 */
export class SourceTracePanel {
  readonly el = h('section', { class: 'case-source-trace', 'data-testid': 'source-trace' });
  private view: CaseSourceTraceResponse | undefined;
  private error: string | undefined;
  private busy = false;
  /** The trace's map: the track from the loading stop to the weighing, the sites' geofences, the stops. */
  private readonly mapEl = h('div', { class: 'trace-map', 'data-testid': 'trace-map' });
  private mini: MiniMap | undefined;
  private track: TrackResponse | undefined;

  constructor(
    private readonly api: Api,
    private readonly role: ApiRole,
    private readonly caseId: string,
    private readonly onDecided: () => void,
  ) {
    onLangChange(() => this.render());
  }

  async load(): Promise<void> {
    this.error = await failureOf(async () => {
      this.view = await this.api.caseSourceTrace(this.caseId);
    });
    this.render();
    if (!this.view?.trace) return;
    try {
      this.track = await this.api.sourceTraceTrack(this.caseId);
    } catch (e) {
      // The panel stands without its track: the grade, reasons and timeline are the evidence.
      console.error('[source trace track]', e);
    }
    this.drawMap();
  }

  destroy(): void {
    this.mini?.destroy();
    this.mini = undefined;
  }

  /** Track (blue), the named sites' geofences (brown), the stops (dots: the candidate amber), the weighing (red). */
  private drawMap(): void {
    const tr = this.view?.trace;
    if (!tr) return;
    this.mini ??= new MiniMap(this.mapEl);
    const mini = this.mini;
    const points = (this.track?.points ?? []).map((p) => [p.longitudeDeg, p.latitudeDeg] as [number, number]);
    const fences = (this.view?.sites ?? []).flatMap((site): Feature[] => {
      const g = geofenceOfSite(site);
      if (!g) return [];
      const ring = g.kind === 'polygon' ? [...g.ring, g.ring[0]!] : circleRing(g.centre, g.radiusM);
      return [{ type: 'Feature', properties: { id: site.sourceSiteId, name: site.name }, geometry: { type: 'Polygon', coordinates: [ring] } }];
    });
    const stops = [...tr.stops, ...tr.possibleLoadingPoints].flatMap((s): Feature[] =>
      s.longitudeDeg !== undefined && s.latitudeDeg !== undefined
        ? [
            {
              type: 'Feature',
              properties: { candidate: tr.candidateStop?.spanStartMs === s.spanStartMs ? 1 : 0 },
              geometry: { type: 'Point', coordinates: [s.longitudeDeg, s.latitudeDeg] },
            },
          ]
        : [],
    );
    const weighing = points.at(-1);
    this.mapEl.dataset.trackPoints = String(points.length);
    this.mapEl.dataset.fences = String(fences.length);
    this.mapEl.dataset.stops = String(stops.length);
    mini.whenLoaded(() => {
      mini.setFeatures('trace-fences', fences);
      mini.setFeatures('trace-track', points.length > 1 ? [{ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: points } }] : []);
      mini.setFeatures('trace-stops', stops);
      mini.setFeatures('trace-weighing', weighing ? [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: weighing } }] : []);
      if (!mini.map.getLayer('trace-fences')) {
        mini.map.addLayer({ id: 'trace-fences', type: 'fill', source: 'trace-fences', paint: { 'fill-color': '#8d6e63', 'fill-opacity': 0.25 } });
        mini.map.addLayer({ id: 'trace-fences-line', type: 'line', source: 'trace-fences', paint: { 'line-color': '#5d4037', 'line-width': 2 } });
        mini.map.addLayer({
          id: 'trace-track',
          type: 'line',
          source: 'trace-track',
          paint: { 'line-color': '#1565c0', 'line-width': 3, 'line-opacity': 0.85 },
        });
        mini.map.addLayer({
          id: 'trace-stops',
          type: 'circle',
          source: 'trace-stops',
          paint: {
            'circle-radius': 6,
            'circle-color': ['case', ['==', ['get', 'candidate'], 1], '#ffb300', '#ffffff'],
            'circle-stroke-color': '#37474f',
            'circle-stroke-width': 2,
          },
        });
        mini.map.addLayer({
          id: 'trace-weighing',
          type: 'circle',
          source: 'trace-weighing',
          paint: { 'circle-radius': 7, 'circle-color': '#e53935', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 },
        });
      }
      const framed = [...points, ...fences.flatMap((f) => (f.geometry.type === 'Polygon' ? (f.geometry.coordinates[0] as Array<[number, number]>) : []))];
      mini.fit(framed, 16);
      this.mapEl.dataset.drawn = 'true';
    });
  }

  private siteName(siteId: string): string {
    const site = this.view?.sites.find((s) => s.sourceSiteId === siteId);
    return site ? `${site.name}${site.companyName ? `（${site.companyName}）` : ''}` : siteId;
  }

  private render(): void {
    const title = h('h3', {}, t('trace.title'));
    if (this.error) return void this.el.replaceChildren(title, h('p', { class: 'case-error' }, `${t('cases.error')}: ${this.error}`));
    const tr = this.view?.trace;
    if (!tr) return void this.el.replaceChildren(title, h('p', { class: 'muted' }, t('trace.none')));
    this.el.replaceChildren(
      title,
      h(
        'div',
        { class: 'trace-grade', 'data-testid': 'trace-grade', 'data-grade': tr.grade },
        `${t('trace.grade')} ${tr.grade} · ${t(`trace.status.${tr.status}`)}`,
        tr.sourceSiteId ? ` · ${this.siteName(tr.sourceSiteId)}` : '',
      ),
      h('ul', { class: 'trace-reasons' }, ...tr.reasons.map((r) => h('li', {}, lang() === 'en' ? r.en : r.zh))),
      tr.candidateSiteIds.length > 1 ? h('div', {}, `${t('trace.candidates')}: ${tr.candidateSiteIds.map((id) => this.siteName(id)).join('、')}`) : '',
      h(
        'div',
        { class: 'trace-map-row' },
        h(
          'div',
          { class: 'trace-map-box' },
          h('p', { class: 'muted', i18n: 'trace.map' }),
          this.mapEl,
          h('p', { class: 'muted small', i18n: 'trace.mapLegend' }),
        ),
        this.timeline(tr),
      ),
      tr.decidedBy ? h('div', { class: 'muted' }, `${t('trace.decidedBy')} ${tr.decidedBy} · ${tr.decisionComment ?? ''}`) : '',
      this.form(tr),
    );
  }

  private timeline(tr: SourceTraceItem): HTMLElement {
    const stops = tr.grade === 'C' ? tr.possibleLoadingPoints : tr.stops;
    return h(
      'ol',
      { class: 'trace-timeline', 'data-testid': 'trace-timeline' },
      ...stops.map((s) =>
        h(
          'li',
          {},
          `${fmtTime(s.spanStartMs)} – ${fmtTime(s.spanEndMs)} · ${t('trace.held')} ${minutes(s.heldMs)}`,
          s.sites.length
            ? ` · ${s.sites.map((x) => `${this.siteName(x.siteId)} (${t(`trace.relation.${x.relation}`)})`).join('、')}`
            : ` · ${t('trace.noSite')}`,
        ),
      ),
      h('li', {}, `${fmtTime(tr.weighedAtMs)} · ${t('trace.weighing')}`),
    );
  }

  private form(tr: SourceTraceItem): HTMLElement | string {
    const mayDecide = this.role === 'enforcement' || this.role === 'admin';
    if (!mayDecide || (tr.status !== 'proposed' && tr.status !== 'to_confirm')) return '';
    const choices = tr.grade === 'A' && tr.sourceSiteId ? [tr.sourceSiteId] : tr.candidateSiteIds;
    const site = h('select', { name: 'siteId' }, ...choices.map((id) => h('option', { value: id }, this.siteName(id)))) as HTMLSelectElement;
    const comment = h('input', { name: 'comment', placeholder: t('trace.comment') }) as HTMLInputElement;
    const error = h('div', { class: 'case-error', role: 'alert' });
    const send = async (decision: 'confirm' | 'reject'): Promise<void> => {
      if (this.busy) return;
      if (!comment.value.trim()) return void (error.textContent = t('trace.commentRequired'));
      this.busy = true;
      try {
        this.view = await this.api.decideSourceTrace(this.caseId, {
          decision,
          comment: comment.value.trim(),
          ...(decision === 'confirm' ? { siteId: site.value } : {}),
        });
        this.render();
        this.onDecided();
      } catch (e) {
        error.textContent = `${t('case.failed')}: ${errorText(e)}`;
      } finally {
        this.busy = false;
      }
    };
    return h(
      'div',
      { class: 'trace-decide', 'data-testid': 'trace-decide' },
      site,
      comment,
      h('button', { type: 'button', 'data-testid': 'trace-confirm', onclick: () => detached('source trace', send('confirm')) }, t('trace.confirm')),
      h('button', { type: 'button', onclick: () => detached('source trace', send('reject')) }, t('trace.reject')),
      error,
    );
  }
}
