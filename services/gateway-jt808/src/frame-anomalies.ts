import type { Jt808FrameAnomaly } from '@roadwatch/jt808';
import type { Logger } from '@roadwatch/runtime';
import type { GatewayMetrics } from './metrics';
import type { TerminalRegistrations } from './terminal-registrations';

/** `lenient` (default): accept the unambiguous anomalies of real terminals' frames, counted and flagged; `strict`: refuse them. */
export type FramePolicy = 'lenient' | 'strict';

interface Pending {
  counts: Map<Jt808FrameAnomaly, number>;
  lastKind: Jt808FrameAnomaly;
  lastAtMs: number;
}

/** Terminals with counts waiting for the registry at once; beyond it only the metrics count. */
const MAX_PENDING_TERMINALS = 10_000;

/**
 * The gateway's side of lenient decoding: which policy its decoders use, and what the frames
 * it accepted got wrong — counted on `/metrics` at once (per terminal and kind) and added to
 * the terminal's record in the registry by `flush()` (from the gateway's sweep), one write per
 * terminal per sweep rather than one per frame.
 */
export class FrameAnomalies {
  readonly lenient: boolean;
  private pending = new Map<string, Pending>();
  private flushing: Promise<void> | null = null;

  constructor(
    readonly policy: FramePolicy,
    private readonly metrics: GatewayMetrics,
    private readonly registrations: TerminalRegistrations,
    private readonly logger: Logger,
  ) {
    this.lenient = policy === 'lenient';
  }

  /** A message accepted despite `anomalies`, from `terminalId` (canonical). */
  record(terminalId: string, messageId: number, anomalies: readonly Jt808FrameAnomaly[], atMs: number): void {
    for (const kind of anomalies) this.metrics.frameAnomaly(terminalId, kind);
    let entry = this.pending.get(terminalId);
    if (!entry) {
      if (this.pending.size >= MAX_PENDING_TERMINALS) return;
      // Logged once per terminal per flush, not per frame: a faulty firmware sends every frame so.
      this.logger.warn(
        { terminalId, messageId: `0x${messageId.toString(16).padStart(4, '0')}`, anomalies },
        'JT/T 808 frame accepted despite anomalies (lenient policy)',
      );
      entry = { counts: new Map(), lastKind: anomalies[0]!, lastAtMs: atMs };
      this.pending.set(terminalId, entry);
    }
    for (const kind of anomalies) entry.counts.set(kind, (entry.counts.get(kind) ?? 0) + 1);
    entry.lastKind = anomalies[anomalies.length - 1]!;
    entry.lastAtMs = atMs;
  }

  /** Writes the counts gathered since the last flush to the terminals' records; a failed write keeps them for the next one. */
  flush(): Promise<void> {
    this.flushing ??= this.writePending().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async writePending(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    for (const [terminalId, entry] of batch) {
      try {
        await this.registrations.recordFrameAnomalies(terminalId, Object.fromEntries(entry.counts), entry.lastKind, entry.lastAtMs);
      } catch (error) {
        this.logger.error({ terminalId, err: error }, 'terminal registrations unavailable; frame anomalies kept for the next attempt');
        this.merge(terminalId, entry);
      }
    }
  }

  private merge(terminalId: string, entry: Pending): void {
    const current = this.pending.get(terminalId);
    if (!current) {
      this.pending.set(terminalId, entry);
      return;
    }
    for (const [kind, count] of entry.counts) current.counts.set(kind, (current.counts.get(kind) ?? 0) + count);
  }
}
