import { chinaLocalIso, chinaLocalIsoToEpochMs } from '@roadwatch/domain';
import type { TrackPoint } from '@roadwatch/contracts';
import type { Api } from '../api';
import { onLangChange, t } from '../i18n';
import type { MapView } from '../map/map-view';
import { detached, fmtTime, h } from './dom';

/** Index of the last point at or before `tMs` (binary search; points are time-ordered). */
export const pointAt = (points: readonly TrackPoint[], tMs: number): TrackPoint | undefined => {
  let lo = 0;
  let hi = points.length - 1;
  if (hi < 0 || tMs < (points[0]?.tMs ?? 0)) return points[0];
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((points[mid]?.tMs ?? 0) <= tMs) lo = mid;
    else hi = mid - 1;
  }
  return points[lo];
};

// The range inputs are China's wall clock (GMT+8), like every time the platform shows.
const toLocalInput = (ms: number): string => chinaLocalIso(ms).slice(0, 16);

/** Track playback: REST track for a time range, a slider over time, play at 60× speed. */
export class Playback {
  readonly el = h('section', { class: 'playback', hidden: true, 'data-testid': 'playback' });
  private points: TrackPoint[] = [];
  private vehicleId: string | undefined;
  private plate = '';
  private playing = 0;
  private readonly slider = h('input', { type: 'range', min: 0, max: 1000, value: 0, 'aria-label': 'time' }) as HTMLInputElement;
  private readonly clock = h('span', { class: 'clock' });
  private readonly from = h('input', { type: 'datetime-local' }) as HTMLInputElement;
  private readonly to = h('input', { type: 'datetime-local' }) as HTMLInputElement;
  private readonly info = h('span', { class: 'info' });

  constructor(
    private readonly api: Api,
    private readonly map: MapView,
  ) {
    this.slider.addEventListener('input', () => this.seek(Number(this.slider.value)));
    onLangChange(() => this.render());
  }

  open(vehicleId: string, plate: string): void {
    this.stop();
    this.vehicleId = vehicleId;
    this.plate = plate;
    const now = Date.now();
    this.from.value = toLocalInput(now - 2 * 3_600_000);
    this.to.value = toLocalInput(now);
    this.el.hidden = false;
    this.render();
    detached('playback', this.load());
  }

  close(): void {
    this.stop();
    this.el.hidden = true;
    this.points = [];
    this.map.clearTrack();
  }

  private render(): void {
    const playBtn = h(
      'button',
      { type: 'button', onclick: () => (this.playing ? this.stop() : this.play()) },
      t(this.playing ? 'playback.pause' : 'playback.play'),
    );
    this.el.replaceChildren(
      h(
        'header',
        {},
        h('strong', {}, `${t('playback.title')} · ${this.plate}`),
        h('button', { type: 'button', onclick: () => this.close() }, t('playback.close')),
      ),
      h(
        'div',
        { class: 'range' },
        h('label', {}, t('playback.from'), this.from),
        h('label', {}, t('playback.to'), this.to),
        h('button', { type: 'button', onclick: () => detached('playback', this.load()) }, t('playback.load')),
      ),
      h('div', { class: 'controls' }, playBtn, this.slider, this.clock),
      this.info,
    );
  }

  private async load(): Promise<void> {
    if (!this.vehicleId) return;
    const fromMs = chinaLocalIsoToEpochMs(this.from.value) ?? NaN;
    const toMs = chinaLocalIsoToEpochMs(this.to.value) ?? NaN;
    try {
      const track = await this.api.track(this.vehicleId, fromMs, toMs);
      this.points = track.points;
      this.info.textContent =
        this.points.length === 0
          ? t('playback.empty')
          : `${this.points.length} ${t('playback.points')}${track.downsampled ? ` · ${t('playback.bucket')} ${Math.round(track.bucketMs / 1000)} s` : ''}`;
      this.map.showTrack(this.points);
      this.seek(0);
    } catch (e) {
      this.info.textContent = String(e);
    }
  }

  private seek(pos: number): void {
    const first = this.points[0];
    const last = this.points[this.points.length - 1];
    if (!first || !last) {
      this.map.showTrackHead(undefined);
      this.clock.textContent = '';
      return;
    }
    const tMs = first.tMs + ((last.tMs - first.tMs) * pos) / 1000;
    const p = pointAt(this.points, tMs);
    this.map.showTrackHead(p);
    this.clock.textContent = p ? `${fmtTime(p.tMs)} · ${p.speedKmh.toFixed(0)} ${t('unit.kmh')}` : '';
  }

  private play(): void {
    const first = this.points[0];
    const last = this.points[this.points.length - 1];
    if (!first || !last) return;
    const spanMs = Math.max(1, last.tMs - first.tMs);
    const speed = 60; // one real minute per second
    let prev = performance.now();
    const step = (now: number) => {
      const next = Number(this.slider.value) + ((now - prev) * speed * 1000) / spanMs;
      prev = now;
      this.slider.value = String(Math.min(1000, next));
      this.seek(Number(this.slider.value));
      if (next >= 1000) return this.stop();
      this.playing = requestAnimationFrame(step);
    };
    if (Number(this.slider.value) >= 1000) this.slider.value = '0';
    this.playing = requestAnimationFrame(step);
    this.render();
  }

  private stop(): void {
    cancelAnimationFrame(this.playing);
    this.playing = 0;
    if (!this.el.hidden) this.render();
  }
}
