import type { Jt808FrameAnomaly } from './anomalies.js';
import { Jt808DecodeError } from './errors.js';
import type { Jt808Envelope, Jt808Header } from './header.js';

export interface ReassemblerOptions {
  /** A set not completed this long after its first packet is dropped. Default 60 s. */
  readonly timeoutMs?: number;
  /** Body bytes held across all incomplete sets. Default 1 MiB. */
  readonly maxPendingBytes?: number;
  /** Incomplete sets held at once. Default 1024. */
  readonly maxPendingSets?: number;
  /** Packets a single set may announce. Default 4096 (≈ 4 MiB of body). */
  readonly maxPacketsPerSet?: number;
  /**
   * An incomplete set that received nothing for this long is due a 0x8003 request for its
   * missing packets (1 s after its last-numbered packet came when others are missing:
   * one TCP connection keeps order, so those were lost). Default 10 s.
   */
  readonly resendAfterMs?: number;
  /** 0x8003 requests per set before it is left to time out. Default 2. */
  readonly maxResendRequests?: number;
}

/** A set whose missing packets should be asked for again (0x8003). */
export interface ResendDue {
  /** Header of the set's first packet seen: who to ask, in which edition. */
  readonly header: Jt808Header;
  readonly firstSerial: number;
  readonly missingIndexes: number[];
  /** 1 for the first request of this set. */
  readonly attempt: number;
}

/** A set given up on, with the packets that never came. */
export interface DroppedSubpackageSet {
  readonly reason: 'timeout' | 'memory';
  readonly terminalPhone: string;
  readonly messageId: number;
  /** Serial of packet 1 (when it never came: implied by another packet, serial − index + 1). */
  readonly firstSerial: number;
  readonly total: number;
  readonly missingIndexes: number[];
}

export interface ReassemblyResult {
  /** The whole message once its last packet arrived; otherwise null. */
  readonly complete: Jt808Envelope | null;
  /** Sets evicted to stay within the memory bounds while storing this packet. */
  readonly dropped: DroppedSubpackageSet[];
}

/** After the last-numbered packet, a short wait for stragglers before asking for the gaps. */
const LAST_PACKET_GRACE_MS = 1_000;

interface PendingSet {
  /** Packet 1's header once it came, else the first packet's. */
  firstHeader: Jt808Header;
  /** Packet 1's serial once it came, else implied by the first packet (serial − index + 1). */
  firstSerial: number;
  readonly total: number;
  readonly startedAtMs: number;
  readonly parts: Array<Uint8Array | undefined>;
  received: number;
  bytes: number;
  resendDueAtMs: number;
  resendRequests: number;
  readonly anomalies: Set<Jt808FrameAnomaly>;
}

/**
 * Reassembles sub-packaged messages (body attribute bit 13). Pure: the caller passes the
 * current time, and calls `expire(nowMs)` periodically to drop stale sets. Sets are keyed
 * by terminal, message id and packet count, and packets placed by their index — not by
 * serials, which terminals do not keep consecutive: they interleave other messages (a
 * heartbeat, a 0x0200) between the packets of one set, each taking a serial, and a packet
 * resent after 0x8003 carries a new serial. A repeated packet (retransmission) replaces the
 * earlier copy. Two sets of one message id and packet count from one terminal cannot be
 * told apart by the header, so a terminal must finish one before starting the next (the
 * standard's sequence: packets in order, missing ones re-sent on request).
 */
export class Jt808SubpackageReassembler {
  private readonly timeoutMs: number;
  private readonly maxPendingBytes: number;
  private readonly maxPendingSets: number;
  private readonly maxPacketsPerSet: number;
  private readonly resendAfterMs: number;
  private readonly maxResendRequests: number;
  // Map keeps insertion order, which is start order: the first entry is the oldest set.
  private readonly pending = new Map<string, PendingSet>();
  private pendingBytes = 0;

  constructor(options: ReassemblerOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.maxPendingBytes = options.maxPendingBytes ?? 1 << 20;
    this.maxPendingSets = options.maxPendingSets ?? 1024;
    this.maxPacketsPerSet = options.maxPacketsPerSet ?? 4096;
    this.resendAfterMs = options.resendAfterMs ?? 10_000;
    this.maxResendRequests = options.maxResendRequests ?? 2;
  }

  get pendingSetCount(): number {
    return this.pending.size;
  }

  get pendingByteCount(): number {
    return this.pendingBytes;
  }

  /**
   * Stores one packet. Throws `Jt808DecodeError` ('bad-subpackage') when the packet
   * contradicts its set (different total) or announces more packets than allowed.
   */
  push(envelope: Jt808Envelope, nowMs: number): ReassemblyResult {
    const { header } = envelope;
    const info = header.subpackage;
    if (!info) return { complete: envelope, dropped: [] };
    const hint = { messageId: header.messageId, terminalPhone: header.terminalPhone, serial: header.serial };
    if (info.total > this.maxPacketsPerSet) {
      throw new Jt808DecodeError('bad-subpackage', 0, `${info.total} packets exceed the limit of ${this.maxPacketsPerSet}`, hint);
    }
    const key = `${header.terminalPhone}|${header.messageId}|${info.total}`;
    let set = this.pending.get(key);
    const dropped: DroppedSubpackageSet[] = [];
    if (!set) {
      const firstSerial = (header.serial - info.index + 1) & 0xffff;
      set = {
        firstHeader: header,
        firstSerial,
        total: info.total,
        startedAtMs: nowMs,
        parts: new Array(info.total),
        received: 0,
        bytes: 0,
        resendDueAtMs: 0,
        resendRequests: 0,
        anomalies: new Set(),
      };
      this.pending.set(key, set);
    }
    if (info.index === 1) {
      // 0x8003 names a set by its first packet's serial, and the message takes its header.
      set.firstHeader = header;
      set.firstSerial = header.serial;
    }
    for (const anomaly of envelope.anomalies) set.anomalies.add(anomaly);
    const previous = set.parts[info.index - 1];
    if (previous) {
      set.bytes -= previous.length;
      this.pendingBytes -= previous.length;
    } else {
      set.received += 1;
    }
    // Copy: the envelope's body views a frame buffer the caller may reuse.
    set.parts[info.index - 1] = envelope.body.slice();
    if (info.index === 1) set.parts.length = info.total; // keep the array dense-sized
    set.bytes += envelope.body.length;
    this.pendingBytes += envelope.body.length;
    set.resendDueAtMs = nowMs + (info.index === set.total ? Math.min(LAST_PACKET_GRACE_MS, this.resendAfterMs) : this.resendAfterMs);

    if (set.received === set.total) {
      this.remove(key, set);
      return { complete: this.join(set), dropped };
    }
    while ((this.pendingBytes > this.maxPendingBytes || this.pending.size > this.maxPendingSets) && this.pending.size > 0) {
      const [oldestKey, oldest] = this.pending.entries().next().value as [string, PendingSet];
      this.remove(oldestKey, oldest);
      dropped.push(this.describe(oldest, 'memory'));
    }
    return { complete: null, dropped };
  }

  /**
   * Sets due a 0x8003 request now; each is counted as asked, and asked again only after
   * another `resendAfterMs` without the missing packets, up to `maxResendRequests` times.
   */
  resendRequests(nowMs: number): ResendDue[] {
    const due: ResendDue[] = [];
    for (const set of this.pending.values()) {
      if (set.resendRequests >= this.maxResendRequests || set.resendDueAtMs > nowMs) continue;
      set.resendRequests += 1;
      set.resendDueAtMs = nowMs + this.resendAfterMs;
      due.push({ header: set.firstHeader, firstSerial: set.firstSerial, missingIndexes: this.missingOf(set), attempt: set.resendRequests });
    }
    return due;
  }

  /** Drops sets whose first packet is older than the timeout. */
  expire(nowMs: number): DroppedSubpackageSet[] {
    const dropped: DroppedSubpackageSet[] = [];
    for (const [key, set] of this.pending) {
      if (nowMs - set.startedAtMs >= this.timeoutMs) {
        this.remove(key, set);
        dropped.push(this.describe(set, 'timeout'));
      }
    }
    return dropped;
  }

  private remove(key: string, set: PendingSet): void {
    this.pending.delete(key);
    this.pendingBytes -= set.bytes;
  }

  private describe(set: PendingSet, reason: DroppedSubpackageSet['reason']): DroppedSubpackageSet {
    return {
      reason,
      terminalPhone: set.firstHeader.terminalPhone,
      messageId: set.firstHeader.messageId,
      firstSerial: set.firstSerial,
      total: set.total,
      missingIndexes: this.missingOf(set),
    };
  }

  private missingOf(set: PendingSet): number[] {
    const missingIndexes: number[] = [];
    for (let i = 0; i < set.total; i += 1) if (!set.parts[i]) missingIndexes.push(i + 1);
    return missingIndexes;
  }

  private join(set: PendingSet): Jt808Envelope {
    const body = new Uint8Array(set.bytes);
    let at = 0;
    for (const part of set.parts) {
      body.set(part!, at);
      at += part!.length;
    }
    const header: Jt808Header = { ...set.firstHeader, serial: set.firstSerial, bodyLength: body.length, subpackage: null };
    // Reassembled bodies have no header bytes before them; offsets index the body.
    return { header, body, bodyOffset: 0, message: body, anomalies: [...set.anomalies] };
  }
}
