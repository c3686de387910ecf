/**
 * The Redis hashes of each vehicle's latest position, written by the archiver and read by the
 * API — one definition, so the two cannot drift apart. One hash tag (`{latest}`), so both
 * hashes sit in one Redis Cluster slot and one script may touch both.
 */
export interface LatestPositionKeys {
  /** vehicleId → device time (epoch ms) of the stored entry. */
  time: string;
  /** vehicleId → the position as JSON (`positionV1`). */
  position: string;
}

export const latestPositionKeys = (prefix: string): LatestPositionKeys => ({
  time: `${prefix}{latest}:time`,
  position: `${prefix}{latest}:position`,
});
