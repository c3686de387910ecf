import type { PositionV1 } from '@roadwatch/contracts';

/**
 * The Redis hashes of each vehicle's latest position, written by the archiver and read by the
 * API — one definition, so the two cannot drift apart. One hash tag (`{latest}`), so both
 * hashes sit in one Redis Cluster slot and one script may touch both.
 */
export interface LatestPositionKeys {
  /** vehicleId → device time (epoch ms) of the stored entry. */
  time: string;
  /** vehicleId → the position, `encodeLatestPosition` (entries written before it: `positionV1` JSON, still read). */
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

/** The compact entry's format marker (its first element); a `{` first is the former `positionV1` JSON. */
const COMPACT_FORMAT = 2;
const SOURCES: readonly PositionV1['source'][] = ['realtime', 'batch', 'blind-area'];
const ACC_ON = 1;
const GNSS_FIXED = 2;
const REGISTERED = 4;

/**
 * One vehicle's latest position as the archiver stores it in the position hash: a JSON array
 * in a fixed order — format 2, device and receipt time, lat, lon, altitude, speed, heading,
 * alarm and status flags, ACC/GNSS/registered bits, source index, terminal, then the optional
 * plate, plate colour, driver, mileage, recorder speed and satellites (null when absent,
 * trailing ones left off). About a third of the `positionV1` JSON (no keys, no `v`, no vehicle
 * id: the hash field is the id), and cheaper to build; Redis copies and keeps fewer bytes.
 */
export const encodeLatestPosition = (p: PositionV1): string => {
  const entry: unknown[] = [
    COMPACT_FORMAT,
    p.deviceTimeMs,
    p.receivedAtMs,
    p.latitudeDeg,
    p.longitudeDeg,
    p.altitudeM,
    p.speedKmh,
    p.headingDeg,
    p.alarmFlags,
    p.statusFlags,
    (p.accOn ? ACC_ON : 0) | (p.gnssFixed ? GNSS_FIXED : 0) | (p.registered ? REGISTERED : 0),
    SOURCES.indexOf(p.source),
    p.terminalId,
    p.plate ?? null,
    p.plateColour ?? null,
    p.driverId ?? null,
    p.mileageKm ?? null,
    p.recorderSpeedKmh ?? null,
    p.satellites ?? null,
  ];
  while (entry.at(-1) === null) entry.pop();
  return JSON.stringify(entry);
};

/** An entry of the position hash back to the position: the compact form, or the former `positionV1` JSON as stored. */
export const decodeLatestPosition = (vehicleId: string, text: string): PositionV1 => {
  if (text.startsWith('{')) return JSON.parse(text) as PositionV1;
  const e = JSON.parse(text) as unknown;
  const source = Array.isArray(e) ? SOURCES[e[11] as number] : undefined;
  if (!Array.isArray(e) || e[0] !== COMPACT_FORMAT || source === undefined)
    throw new Error(`latest position of ${vehicleId}: not an entry this version reads (${text.slice(0, 40)})`);
  const bits = e[10] as number;
  const p: PositionV1 = {
    v: 1,
    vehicleId,
    terminalId: e[12] as string,
    registered: (bits & REGISTERED) !== 0,
    deviceTimeMs: e[1] as number,
    receivedAtMs: e[2] as number,
    latitudeDeg: e[3] as number,
    longitudeDeg: e[4] as number,
    altitudeM: e[5] as number,
    speedKmh: e[6] as number,
    headingDeg: e[7] as number,
    alarmFlags: e[8] as number,
    statusFlags: e[9] as number,
    accOn: (bits & ACC_ON) !== 0,
    gnssFixed: (bits & GNSS_FIXED) !== 0,
    source,
  };
  const optional = <K extends keyof PositionV1>(key: K, index: number): void => {
    const value = e[index];
    if (value !== null && value !== undefined) p[key] = value as PositionV1[K];
  };
  optional('plate', 13);
  optional('plateColour', 14);
  optional('driverId', 15);
  optional('mileageKm', 16);
  optional('recorderSpeedKmh', 17);
  optional('satellites', 18);
  return p;
};
