/**
 * Smooth motion between live ticks. The server sends one `positions` batch per tick;
 * drawing each fix as it arrives makes vehicles jump. Instead every vehicle glides from
 * where it is drawn now to its new fix over about one tick interval, sampled with
 * requestAnimationFrame. Pure: time is passed in, so the spec drives it.
 */
export type LonLat = [number, number];

interface Segment {
  from: LonLat;
  to: LonLat;
  startMs: number;
  durationMs: number;
}

export interface InterpolatorOptions {
  /** Glide time when no tick interval has been seen yet. */
  defaultDurationMs: number;
  minDurationMs: number;
  maxDurationMs: number;
  /** A jump longer than this (degrees, ~5 km) is a reconnect or back-fill: snap, don't glide. */
  snapDeg: number;
}

const DEFAULTS: InterpolatorOptions = { defaultDurationMs: 1000, minDurationMs: 100, maxDurationMs: 5000, snapDeg: 0.05 };

export class MotionInterpolator {
  private readonly segments = new Map<string, Segment>();
  private readonly options: InterpolatorOptions;
  private lastTickMs: number | undefined;
  private durationMs: number;

  constructor(options: Partial<InterpolatorOptions> = {}) {
    this.options = { ...DEFAULTS, ...options };
    this.durationMs = this.options.defaultDurationMs;
  }

  /** Call once per batch with the server's tick time: the glide lasts one tick interval. */
  tick(tickMs: number): void {
    if (this.lastTickMs !== undefined && tickMs > this.lastTickMs) {
      const { minDurationMs, maxDurationMs } = this.options;
      this.durationMs = Math.min(maxDurationMs, Math.max(minDurationMs, tickMs - this.lastTickMs));
    }
    this.lastTickMs = tickMs;
  }

  /** A new fix for a vehicle, received at wall-clock `nowMs`. */
  update(id: string, to: LonLat, nowMs: number): void {
    const current = this.position(id, nowMs);
    const from: LonLat = current ?? to;
    const jump = Math.hypot(to[0] - from[0], to[1] - from[1]);
    const snap = current === undefined || jump > this.options.snapDeg;
    this.segments.set(id, { from: snap ? to : from, to, startMs: nowMs, durationMs: snap ? 0 : this.durationMs });
  }

  /** Where to draw the vehicle at `nowMs`. */
  position(id: string, nowMs: number): LonLat | undefined {
    const s = this.segments.get(id);
    if (!s) return undefined;
    if (s.durationMs <= 0 || nowMs >= s.startMs + s.durationMs) return s.to;
    const t = Math.max(0, (nowMs - s.startMs) / s.durationMs);
    return [s.from[0] + (s.to[0] - s.from[0]) * t, s.from[1] + (s.to[1] - s.from[1]) * t];
  }

  /** True while some vehicle is still gliding (the render loop idles otherwise). */
  isAnimating(nowMs: number): boolean {
    for (const s of this.segments.values()) if (nowMs < s.startMs + s.durationMs) return true;
    return false;
  }

  remove(id: string): void {
    this.segments.delete(id);
  }

  get size(): number {
    return this.segments.size;
  }
}
