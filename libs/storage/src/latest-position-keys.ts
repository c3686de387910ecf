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

/**
 * A brace in the prefix would take the hash tag's place (an empty `{}` even makes Redis hash
 * each whole key, so the two hashes land in different slots and the archiver's script fails
 * with CROSSSLOT on a cluster): such a prefix is refused.
 */
export const latestPositionKeys = (prefix: string): LatestPositionKeys => {
  if (/[{}]/.test(prefix))
    throw new Error(`LATEST_POSITIONS_PREFIX "${prefix}" may not contain { or }: the keys' hash tag {latest} keeps both hashes in one Redis Cluster slot`);
  return { time: `${prefix}{latest}:time`, position: `${prefix}{latest}:position` };
};
