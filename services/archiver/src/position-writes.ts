import type { PositionV1 } from '@roadwatch/contracts';
import { classifyFailure } from '@roadwatch/messaging';

/** What one partition batch's positions came to: rows new in the database, latest-position entries moved. */
export interface PositionWriteResult {
  rows: number;
  latestMoved: number;
}

/** The write of a list of positions: the database, then the latest-position cache; resolves after both. */
export type WritePositions = (positions: readonly PositionV1[]) => Promise<PositionWriteResult>;

interface Pending {
  positions: readonly PositionV1[];
  resolve: (result: PositionWriteResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Joins the position batches of the partitions handled at once into one write. The consumer
 * hands one fetch's partition batches to their handlers together (`partitionsConsumedConcurrently`);
 * under a steady load each is small (tens of reports), and every write costs the same per batch
 * whatever its size — a pool checkout, a statement and a commit (a WAL flush) on the server, a
 * script call on Redis — so the batches that arrive before the event loop turns go as one.
 *
 * Each batch's promise still resolves only after its own positions are committed (the bus
 * then commits its partition's offsets), so at-least-once holds. When the joint write fails,
 * a transient failure (the database away) rejects every batch at once, and any other failure
 * writes each batch alone: only the batch holding the record the database refuses fails, and
 * the bus isolates that record as before, while the others — and the rows of the joint write's
 * chunks that did commit, absorbed by the natural key — are stored.
 *
 * The rows and moved entries of a joint write are shared out in batch order, each batch
 * credited with at most its own length: the sums are exact; which batch a duplicate is
 * charged to is not.
 */
export class PositionWriteJoiner {
  private pending: Pending[] = [];

  constructor(private readonly write: WritePositions) {}

  add(positions: readonly PositionV1[]): Promise<PositionWriteResult> {
    return new Promise<PositionWriteResult>((resolve, reject) => {
      if (this.pending.length === 0)
        setImmediate(() => {
          const batches = this.pending;
          this.pending = [];
          // flush settles every batch itself; should it throw all the same, no batch is left waiting (a settled promise ignores a second call).
          this.flush(batches).catch((error: unknown) => batches.forEach((b) => b.reject(error)));
        });
      this.pending.push({ positions, resolve, reject });
    });
  }

  private async flush(batches: readonly Pending[]): Promise<void> {
    if (batches.length === 1) return this.alone(batches[0]!);
    let result: PositionWriteResult;
    try {
      result = await this.write(batches.flatMap((b) => b.positions));
    } catch (error) {
      if (classifyFailure(error) === 'transient') return batches.forEach((b) => b.reject(error));
      await Promise.all(batches.map((b) => this.alone(b)));
      return;
    }
    let { rows, latestMoved } = result;
    for (const batch of batches) {
      const share = { rows: Math.min(rows, batch.positions.length), latestMoved: Math.min(latestMoved, batch.positions.length) };
      rows -= share.rows;
      latestMoved -= share.latestMoved;
      batch.resolve(share);
    }
  }

  private async alone(batch: Pending): Promise<void> {
    try {
      batch.resolve(await this.write(batch.positions));
    } catch (error) {
      batch.reject(error);
    }
  }
}
