import type { Socket } from 'node:net';

/**
 * Outboxes holding frames, flushed together in one `process.nextTick`: a publish releases the
 * answers of thousands of sockets in one turn, and one tick for all of them costs less than
 * one tick each.
 */
let dirty: SocketOutbox[] = [];
const flushDirty = (): void => {
  // An outbox written during this flush (a close that writes its last answer) joins the next tick.
  const outboxes = dirty;
  dirty = [];
  for (const outbox of outboxes) outbox.flush();
};

/**
 * The frames written to one socket in the same event-loop turn, sent in one `socket.write`.
 *
 * One Kafka publish resolves the 0x8001 answers of every position it carried, for many
 * sockets, in one turn (each session's answer is a microtask of that resolution). Written one
 * by one, each answer cost its own write syscall — 24% of the gateway's CPU under load; the
 * outbox gathers a turn's frames and flushes them once, after the microtasks, per socket.
 * Nothing is written earlier than before: a frame still goes out only when its session
 * wrote it (an 0x8001 only after Kafka acknowledged). All outboxes written in a turn share
 * one tick (`flushDirty`).
 */
export class SocketOutbox {
  private frames: Uint8Array[] = [];

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
    if (this.frames.length === 1) {
      // After the current microtasks: every answer released by the same publish is queued by then.
      if (dirty.length === 0) process.nextTick(flushDirty);
      dirty.push(this);
    }
    return this.socket.writableLength <= this.maxBufferedBytes;
  }

  /** Sends what is queued now (before the connection is closed: its last answer still goes out). */
  flush(): void {
    const frames = this.frames;
    this.frames = [];
    if (frames.length === 0 || this.socket.destroyed) return;
    const ok = this.socket.write(frames.length === 1 ? frames[0]! : Buffer.concat(frames));
    if (!ok && this.socket.writableLength > this.maxBufferedBytes) {
      this.onSlowReader();
      this.socket.destroy();
    }
  }
}
