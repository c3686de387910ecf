import { CHINA_UTC_OFFSET_MS } from '@roadwatch/domain';
import {
  coordinatesFromStatus,
  decodeAlarmFlags,
  decodeLocation,
  decodeStatusFlags,
  encodeLocation,
  readFixedString,
  statusWithHemispheres,
  writeFixedString,
  ByteReader,
  ByteWriter,
  type LocationAlarms,
  type LocationReport,
  type LocationStatus,
} from '@roadwatch/jt808';
import { Jt809DecodeError, Jt809EncodeError } from '../errors.js';
import type { Jt809BodyContext } from './message-codec.js';
import type { SubBusinessCodec } from './sub-business.js';

/**
 * 2011 GNSS_DATA (36 bytes): ENCRYPT, DATE (day, month, year WORD), TIME (h, m, s, Beijing
 * time), LON, LAT (1e-6°), VEC1 (GNSS km/h), VEC2 (recorder km/h), VEC3 (mileage km),
 * DIRECTION, ALTITUDE (m), STATE and ALARM (JT/T 808's status and alarm bits).
 */
export interface GnssData2011 {
  readonly edition: '2011';
  /** ENCRYPT = 1: coordinates went through the national mapping bureau's plug-in. */
  readonly encrypted: boolean;
  /** null when DATE and TIME are all zeros. */
  readonly deviceTimeMs: number | null;
  /** Negative when STATE bit 2 (south) / bit 3 (west) is set, as in JT/T 808. */
  readonly latitudeDeg: number;
  readonly longitudeDeg: number;
  readonly speedKmh: number;
  readonly recorderSpeedKmh: number;
  readonly mileageKm: number;
  readonly directionDeg: number;
  readonly altitudeM: number;
  readonly statusFlags: number;
  readonly status: LocationStatus;
  readonly alarmFlags: number;
  readonly alarms: LocationAlarms;
}

/** One of the 2019 position's three supervising platforms and the alarms it raised. */
export interface SupervisingPlatformAlarm {
  /** PLATFORM_ID, 11 bytes; empty when not set. */
  readonly platformId: string;
  readonly alarmFlags: number;
}

/**
 * The 2019 GNSS_DATA: by the standard a JT/T 808 0x0200 body (decoded with libs/jt808).
 * Some platforms put the 2011 fields there instead (DATE … ALARM, 35 bytes, no ENCRYPT — the
 * SmallChi Test_2019_6 capture): read so when the bytes are 35 long and no 0x0200 body.
 */
export type Gnss2019Data =
  | { readonly format: 'jt808-0x0200'; readonly location: LocationReport }
  /** DATA_LENGTH 0: the platform sent only the supervising platforms' alarms (SmallChi writes such). */
  | { readonly format: 'none' }
  | { readonly format: 'gnss-2011'; readonly fix: Omit<GnssData2011, 'edition' | 'encrypted'> };

/**
 * 2019 vehicle position: ENCRYPT, DATA_LENGTH + GNSS_DATA, then PLATFORM_ID1..3
 * (monitoring / city / province platform) with ALARM1..3.
 */
export interface GnssData2019 {
  readonly edition: '2019';
  readonly encrypted: boolean;
  readonly gnss: Gnss2019Data;
  readonly platforms: readonly [SupervisingPlatformAlarm, SupervisingPlatformAlarm, SupervisingPlatformAlarm];
}

export type Jt809VehiclePosition = GnssData2011 | GnssData2019;

/** 0x1202 实时上传车辆定位信息. */
export interface RealTimePosition {
  readonly kind: 'position';
  readonly position: Jt809VehiclePosition;
}

/** The fix of a position whatever its edition: what the gateway puts on telemetry.positions. */
/** Null for a 2019 position without GNSS data. */
export interface Jt809PositionFix {
  readonly deviceTimeMs: number | null;
  readonly latitudeDeg: number;
  readonly longitudeDeg: number;
  readonly speedKmh: number;
  readonly directionDeg: number;
  readonly altitudeM: number;
  readonly mileageKm: number | null;
  readonly alarmFlags: number;
  readonly statusFlags: number;
}

export function positionFix(position: Jt809VehiclePosition): Jt809PositionFix | null {
  if (position.edition === '2011') {
    const { deviceTimeMs, latitudeDeg, longitudeDeg, speedKmh, directionDeg, altitudeM, mileageKm, alarmFlags, statusFlags } = position;
    return { deviceTimeMs, latitudeDeg, longitudeDeg, speedKmh, directionDeg, altitudeM, mileageKm, alarmFlags, statusFlags };
  }
  if (position.gnss.format === 'none') return null;
  if (position.gnss.format === 'gnss-2011') {
    const { deviceTimeMs, latitudeDeg, longitudeDeg, speedKmh, directionDeg, altitudeM, mileageKm, alarmFlags, statusFlags } = position.gnss.fix;
    return { deviceTimeMs, latitudeDeg, longitudeDeg, speedKmh, directionDeg, altitudeM, mileageKm, alarmFlags, statusFlags };
  }
  const { location } = position.gnss;
  const mileage = location.items.find((item) => item.type === 'mileage');
  return {
    deviceTimeMs: location.deviceTimeMs,
    latitudeDeg: location.latitudeDeg,
    longitudeDeg: location.longitudeDeg,
    speedKmh: location.speedKmh,
    directionDeg: location.directionDeg,
    altitudeM: location.altitudeM,
    mileageKm: mileage?.type === 'mileage' ? mileage.mileageKm : null,
    alarmFlags: location.alarmFlags,
    statusFlags: location.statusFlags,
  };
}

const MICRODEGREES = 1_000_000;
export const GNSS_DATA_2011_BYTES = 36;

function readDateTime2011(reader: ByteReader): number | null {
  const at = reader.offset;
  const day = reader.u8('DATE day');
  const month = reader.u8('DATE month');
  const year = reader.u16('DATE year');
  const hour = reader.u8('TIME hour');
  const minute = reader.u8('TIME minute');
  const second = reader.u8('TIME second');
  if (day === 0 && month === 0 && year === 0 && hour === 0 && minute === 0 && second === 0) return null;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(utc);
  if (year < 1970 || hour > 23 || minute > 59 || second > 59 || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new Jt809DecodeError('bad-time', at, `DATE/TIME ${year}-${month}-${day} ${hour}:${minute}:${second} is not a calendar time`);
  }
  return utc - CHINA_UTC_OFFSET_MS;
}

function writeDateTime2011(writer: ByteWriter, epochMs: number | null): void {
  if (epochMs === null) {
    for (let i = 0; i < 7; i += 1) writer.u8(0);
    return;
  }
  if (!Number.isFinite(epochMs)) throw new Jt809EncodeError('bad-value', 'deviceTimeMs', `${epochMs} is not a time`);
  const local = new Date(Math.floor(epochMs / 1000) * 1000 + CHINA_UTC_OFFSET_MS);
  writer.u8(local.getUTCDate(), 'deviceTimeMs');
  writer.u8(local.getUTCMonth() + 1, 'deviceTimeMs');
  writer.u16(local.getUTCFullYear(), 'deviceTimeMs');
  writer.u8(local.getUTCHours(), 'deviceTimeMs');
  writer.u8(local.getUTCMinutes(), 'deviceTimeMs');
  writer.u8(local.getUTCSeconds(), 'deviceTimeMs');
}

function microdegrees(value: number, field: string): number {
  const scaled = Math.round(Math.abs(value) * MICRODEGREES);
  if (!Number.isFinite(scaled) || scaled > 0xffffffff) throw new Jt809EncodeError('value-out-of-range', field, `${value}`);
  return scaled;
}

function readEncryptFlag(reader: ByteReader): boolean {
  const at = reader.offset;
  const flag = reader.u8('ENCRYPT');
  if (flag > 1) throw new Jt809DecodeError('bad-value', at, `position ENCRYPT ${flag} (0 = plain, 1 = encrypted)`);
  return flag === 1;
}

export function decodeGnssData2011(reader: ByteReader): GnssData2011 {
  const encrypted = readEncryptFlag(reader);
  return { edition: '2011', encrypted, ...decodeGnssFields2011(reader) };
}

const GNSS_FIELDS_2011_BYTES = 35;

function decodeGnssFields2011(reader: ByteReader): Omit<GnssData2011, 'edition' | 'encrypted'> {
  const deviceTimeMs = readDateTime2011(reader);
  const longitudeRaw = reader.u32('LON');
  const latitudeRaw = reader.u32('LAT');
  const speedKmh = reader.u16('VEC1');
  const recorderSpeedKmh = reader.u16('VEC2');
  const mileageKm = reader.u32('VEC3');
  const directionDeg = reader.u16('DIRECTION');
  const altitudeM = reader.u16('ALTITUDE');
  const statusFlags = reader.u32('STATE');
  const alarmFlags = reader.u32('ALARM');
  return {
    deviceTimeMs,
    ...coordinatesFromStatus(latitudeRaw, longitudeRaw, statusFlags),
    speedKmh,
    recorderSpeedKmh,
    mileageKm,
    directionDeg,
    altitudeM,
    statusFlags,
    status: decodeStatusFlags(statusFlags),
    alarmFlags,
    alarms: decodeAlarmFlags(alarmFlags),
  };
}

export function encodeGnssData2011(writer: ByteWriter, position: GnssData2011): void {
  writer.u8(position.encrypted ? 1 : 0);
  encodeGnssFields2011(writer, position);
}

function encodeGnssFields2011(writer: ByteWriter, position: Omit<GnssData2011, 'edition' | 'encrypted'>): void {
  // The sign of a coordinate is the truth over the bits sent.
  const statusFlags = statusWithHemispheres(position.statusFlags, position);
  writeDateTime2011(writer, position.deviceTimeMs);
  writer.u32(microdegrees(position.longitudeDeg, 'longitudeDeg'), 'longitudeDeg');
  writer.u32(microdegrees(position.latitudeDeg, 'latitudeDeg'), 'latitudeDeg');
  writer.u16(position.speedKmh, 'speedKmh');
  writer.u16(position.recorderSpeedKmh, 'recorderSpeedKmh');
  writer.u32(position.mileageKm, 'mileageKm');
  writer.u16(position.directionDeg, 'directionDeg');
  writer.u16(position.altitudeM, 'altitudeM');
  writer.u32(statusFlags >>> 0, 'statusFlags');
  writer.u32(position.alarmFlags >>> 0, 'alarmFlags');
}

function readPlatform(reader: ByteReader, index: number): SupervisingPlatformAlarm {
  return { platformId: readFixedString(reader, 11, `PLATFORM_ID${index}`), alarmFlags: reader.u32(`ALARM${index}`) };
}

export function decodeGnssData2019(reader: ByteReader): GnssData2019 {
  const encrypted = readEncryptFlag(reader);
  const length = reader.u32('DATA_LENGTH');
  const gnssReader = reader.sub(length, 'GNSS_DATA');
  const bytes = gnssReader.peekRest();
  let gnss: Gnss2019Data;
  if (length === 0) {
    gnss = { format: 'none' };
  } else {
    let location: LocationReport | undefined;
    let failure: unknown;
    try {
      location = decodeLocation(gnssReader);
    } catch (error) {
      failure = error;
    }
    // 35 bytes may be either form; the 2011 fields read as a 0x0200 body put the coordinates
    // off the globe (the year and time land in the latitude), so a 0x0200 reading wins only
    // when it is a place on earth.
    const onEarth = location !== undefined && Math.abs(location.latitudeDeg) <= 90 && Math.abs(location.longitudeDeg) <= 180;
    let fields2011: Omit<GnssData2011, 'edition' | 'encrypted'> | undefined;
    if (!onEarth && length === GNSS_FIELDS_2011_BYTES) {
      try {
        fields2011 = decodeGnssFields2011(new ByteReader(bytes, 0, length));
      } catch {
        fields2011 = undefined;
      }
    }
    if (fields2011) gnss = { format: 'gnss-2011', fix: fields2011 };
    else if (location) gnss = { format: 'jt808-0x0200', location };
    else throw failure;
  }
  return { edition: '2019', encrypted, gnss, platforms: [readPlatform(reader, 1), readPlatform(reader, 2), readPlatform(reader, 3)] };
}

export function encodeGnssData2019(writer: ByteWriter, position: GnssData2019): void {
  writer.u8(position.encrypted ? 1 : 0);
  // DATA_LENGTH comes first: write the 0x0200 body aside to measure it.
  const gnss = new ByteWriter(64);
  if (position.gnss.format === 'jt808-0x0200') encodeLocation(gnss, position.gnss.location);
  else if (position.gnss.format === 'gnss-2011') encodeGnssFields2011(gnss, position.gnss.fix);
  writer.u32(gnss.length, 'DATA_LENGTH');
  writer.bytes(gnss.toBytes());
  position.platforms.forEach((platform, i) => {
    writeFixedString(writer, platform.platformId, 11, `platforms[${i}].platformId`);
    writer.u32(platform.alarmFlags >>> 0, `platforms[${i}].alarmFlags`);
  });
}

export function decodeVehiclePosition(reader: ByteReader, { edition }: Jt809BodyContext): Jt809VehiclePosition {
  return edition === '2019' ? decodeGnssData2019(reader) : decodeGnssData2011(reader);
}

export function encodeVehiclePosition(writer: ByteWriter, position: Jt809VehiclePosition, { edition }: Jt809BodyContext): void {
  if (position.edition !== edition) throw new Jt809EncodeError('bad-value', 'position.edition', `a ${position.edition} position on a ${edition} link`);
  if (position.edition === '2019') encodeGnssData2019(writer, position);
  else encodeGnssData2011(writer, position);
}

export const realTimePositionCodec: SubBusinessCodec<RealTimePosition> = {
  dataType: 0x1202,
  kind: 'position',
  name: 'real-time position',
  decode: (reader, context) => ({ kind: 'position', position: decodeVehiclePosition(reader, context) }),
  encode: (writer, data, context) => encodeVehiclePosition(writer, data.position, context),
};
