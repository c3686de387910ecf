import type { Socket } from 'node:net';

/**
 * The frames written to one socket in the same event-loop turn, sent in one `socket.write`.
 *
 * One Kafka publish resolves the 0x8001 answers of every position it carried, for many
 * sockets, in one turn (each session's answer is a microtask of that resolution). Written one
 * by one, each answer cost its own write syscall — 24% of the gateway's CPU under load; the
 * outbox gathers a turn's frames and flushes them once, after the microtasks, per socket.
 * Nothing is written earlier than before: a frame still goes out only when its session
 * wrote it (an 0x8001 only after Kafka acknowledged).
 */
export class SocketOutbox {
  private frames: Uint8Array[] = [];
  private flushScheduled = false;

  constructor(
    private readonly socket: Socket,
    /** A peer that does not read its downlink is dropped above this many buffered bytes. */
    private readonly maxBufferedBytes: number,
    private readonly onSlowReader: () => void,
  ) {}

  /** False when the peer is not reading fast enough (its buffer is above the bound). */
  write(frame: Uint8Array): boolean {
    if (this.socket.destroyed) return false;
    this.frames.push(frame);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // After the current microtasks: every answer released by the same publish is queued by then.
      process.nextTick(this.flush);
    }
    return this.socket.writableLength <= this.maxBufferedBytes;
  }

  /** Sends what is queued now (before the connection is closed: its last answer still goes out). */
  readonly flush = (): void => {
    this.flushScheduled = false;
    const frames = this.frames;
    this.frames = [];
    if (frames.length === 0 || this.socket.destroyed) return;
    const ok = this.socket.write(frames.length === 1 ? frames[0]! : Buffer.concat(frames));
    if (!ok && this.socket.writableLength > this.maxBufferedBytes) {
      this.onSlowReader();
      this.socket.destroy();
    }
  };
}
