import { readBcdTime, writeBcdTime } from '../bcd.js';
import { ByteReader, ByteWriter } from '../bytes.js';
import { Jt808EncodeError } from '../errors.js';
import type { MessageCodec } from './message-codec.js';

/** Alarm flag bits (JT/T 808-2013 table 24; 2019 keeps the positions). */
export const ALARM_BITS = {
  emergency: 0,
  overspeed: 1,
  fatigueDriving: 2,
  dangerWarning: 3,
  gnssModuleFault: 4,
  gnssAntennaDisconnected: 5,
  gnssAntennaShortCircuit: 6,
  mainPowerUndervoltage: 7,
  mainPowerLoss: 8,
  displayFault: 9,
  ttsModuleFault: 10,
  cameraFault: 11,
  icCardModuleFault: 12,
  overspeedWarning: 13,
  fatigueDrivingWarning: 14,
  dailyDrivingTimeExceeded: 18,
  overtimeParking: 19,
  areaInOut: 20,
  routeInOut: 21,
  routeSegmentDrivingTime: 22,
  routeDeviation: 23,
  vssFault: 24,
  fuelAbnormal: 25,
  vehicleStolen: 26,
  illegalIgnition: 27,
  illegalDisplacement: 28,
  collisionWarning: 29,
  rolloverWarning: 30,
  illegalDoorOpen: 31,
} as const;

/** Status flag bits (JT/T 808-2013 table 25). Bits 8–9 (load) are decoded separately. */
export const STATUS_BITS = {
  accOn: 0,
  positioned: 1,
  southLatitude: 2,
  westLongitude: 3,
  outOfService: 4,
  coordinatesEncrypted: 5,
  fuelCircuitCut: 10,
  electricCircuitCut: 11,
  doorsLocked: 12,
  door1Open: 13,
  door2Open: 14,
  door3Open: 15,
  door4Open: 16,
  door5Open: 17,
  gpsUsed: 18,
  beidouUsed: 19,
  glonassUsed: 20,
  galileoUsed: 21,
  /** 2019: the vehicle is moving. */
  moving: 22,
} as const;

export type LocationAlarms = { readonly [K in keyof typeof ALARM_BITS]: boolean };
export type LocationStatus = { readonly [K in keyof typeof STATUS_BITS]: boolean } & {
  /** Bits 8–9: 0 empty, 1 half, 2 reserved, 3 full. */
  readonly loadState: 'empty' | 'half' | 'reserved' | 'full';
};

const LOAD_STATES = ['empty', 'half', 'reserved', 'full'] as const;

function flagsFromNames<T extends Record<string, number>>(bits: T, names: Partial<Record<keyof T, boolean>>): number {
  let flags = 0;
  for (const name of Object.keys(names) as Array<keyof T>) if (names[name]) flags |= 1 << bits[name]!;
  return flags >>> 0;
}

// Object literals rather than a loop over the bit table: this runs for every position,
// and building the objects key by key was the hottest spot of the decoder.
export function decodeAlarmFlags(flags: number): LocationAlarms {
  return {
    emergency: ((flags >>> 0) & 1) === 1,
    overspeed: ((flags >>> 1) & 1) === 1,
    fatigueDriving: ((flags >>> 2) & 1) === 1,
    dangerWarning: ((flags >>> 3) & 1) === 1,
    gnssModuleFault: ((flags >>> 4) & 1) === 1,
    gnssAntennaDisconnected: ((flags >>> 5) & 1) === 1,
    gnssAntennaShortCircuit: ((flags >>> 6) & 1) === 1,
    mainPowerUndervoltage: ((flags >>> 7) & 1) === 1,
    mainPowerLoss: ((flags >>> 8) & 1) === 1,
    displayFault: ((flags >>> 9) & 1) === 1,
    ttsModuleFault: ((flags >>> 10) & 1) === 1,
    cameraFault: ((flags >>> 11) & 1) === 1,
    icCardModuleFault: ((flags >>> 12) & 1) === 1,
    overspeedWarning: ((flags >>> 13) & 1) === 1,
    fatigueDrivingWarning: ((flags >>> 14) & 1) === 1,
    dailyDrivingTimeExceeded: ((flags >>> 18) & 1) === 1,
    overtimeParking: ((flags >>> 19) & 1) === 1,
    areaInOut: ((flags >>> 20) & 1) === 1,
    routeInOut: ((flags >>> 21) & 1) === 1,
    routeSegmentDrivingTime: ((flags >>> 22) & 1) === 1,
    routeDeviation: ((flags >>> 23) & 1) === 1,
    vssFault: ((flags >>> 24) & 1) === 1,
    fuelAbnormal: ((flags >>> 25) & 1) === 1,
    vehicleStolen: ((flags >>> 26) & 1) === 1,
    illegalIgnition: ((flags >>> 27) & 1) === 1,
    illegalDisplacement: ((flags >>> 28) & 1) === 1,
    collisionWarning: ((flags >>> 29) & 1) === 1,
    rolloverWarning: ((flags >>> 30) & 1) === 1,
    illegalDoorOpen: ((flags >>> 31) & 1) === 1,
  };
}

export function decodeStatusFlags(flags: number): LocationStatus {
  return {
    accOn: ((flags >>> 0) & 1) === 1,
    positioned: ((flags >>> 1) & 1) === 1,
    southLatitude: ((flags >>> 2) & 1) === 1,
    westLongitude: ((flags >>> 3) & 1) === 1,
    outOfService: ((flags >>> 4) & 1) === 1,
    coordinatesEncrypted: ((flags >>> 5) & 1) === 1,
    fuelCircuitCut: ((flags >>> 10) & 1) === 1,
    electricCircuitCut: ((flags >>> 11) & 1) === 1,
    doorsLocked: ((flags >>> 12) & 1) === 1,
    door1Open: ((flags >>> 13) & 1) === 1,
    door2Open: ((flags >>> 14) & 1) === 1,
    door3Open: ((flags >>> 15) & 1) === 1,
    door4Open: ((flags >>> 16) & 1) === 1,
    door5Open: ((flags >>> 17) & 1) === 1,
    gpsUsed: ((flags >>> 18) & 1) === 1,
    beidouUsed: ((flags >>> 19) & 1) === 1,
    glonassUsed: ((flags >>> 20) & 1) === 1,
    galileoUsed: ((flags >>> 21) & 1) === 1,
    moving: ((flags >>> 22) & 1) === 1,
    loadState: LOAD_STATES[(flags >>> 8) & 0x03]!,
  };
}

export function decodeVehicleSignals(flags: number): VehicleSignals {
  return {
    lowBeam: ((flags >>> 0) & 1) === 1,
    highBeam: ((flags >>> 1) & 1) === 1,
    rightTurnSignal: ((flags >>> 2) & 1) === 1,
    leftTurnSignal: ((flags >>> 3) & 1) === 1,
    braking: ((flags >>> 4) & 1) === 1,
    reverse: ((flags >>> 5) & 1) === 1,
    fogLamp: ((flags >>> 6) & 1) === 1,
    positionLamp: ((flags >>> 7) & 1) === 1,
    horn: ((flags >>> 8) & 1) === 1,
    airConditioner: ((flags >>> 9) & 1) === 1,
    neutral: ((flags >>> 10) & 1) === 1,
    retarder: ((flags >>> 11) & 1) === 1,
    abs: ((flags >>> 12) & 1) === 1,
    heater: ((flags >>> 13) & 1) === 1,
    clutch: ((flags >>> 14) & 1) === 1,
  };
}

/** Builds the alarm DWORD from named booleans (for encoding). */
export function alarmFlagsFrom(alarms: Partial<Record<keyof typeof ALARM_BITS, boolean>>): number {
  return flagsFromNames(ALARM_BITS, alarms);
}

/** Builds the status DWORD from named booleans (for encoding). */
export function statusFlagsFrom(status: Partial<Record<keyof typeof STATUS_BITS, boolean>>): number {
  return flagsFromNames(STATUS_BITS, status);
}

/** 0x12 / 0x11 location type: 0 none (0x11 only), 1 circle, 2 rectangle, 3 polygon, 4 route. */
export type AreaLocationType = number;

/** Extended vehicle signal bits (additional item 0x25). */
export const VEHICLE_SIGNAL_BITS = {
  lowBeam: 0,
  highBeam: 1,
  rightTurnSignal: 2,
  leftTurnSignal: 3,
  braking: 4,
  reverse: 5,
  fogLamp: 6,
  positionLamp: 7,
  horn: 8,
  airConditioner: 9,
  neutral: 10,
  retarder: 11,
  abs: 12,
  heater: 13,
  clutch: 14,
} as const;

export type VehicleSignals = { readonly [K in keyof typeof VEHICLE_SIGNAL_BITS]: boolean };

/**
 * One additional-information item, in the order sent. Known ids with the standard's
 * length decode to named values; anything else (or a known id with an odd length) stays
 * raw so that nothing is lost and re-encoding reproduces the bytes.
 */
export type LocationItem =
  | { readonly type: 'mileage'; readonly id: 0x01; readonly mileageKm: number }
  | { readonly type: 'fuel'; readonly id: 0x02; readonly fuelL: number }
  | { readonly type: 'recorder-speed'; readonly id: 0x03; readonly recorderSpeedKmh: number }
  | { readonly type: 'alarm-event-id'; readonly id: 0x04; readonly eventId: number }
  | {
      readonly type: 'overspeed';
      readonly id: 0x11;
      readonly locationType: AreaLocationType;
      /** Null when the location type is 0 (no specific area). */
      readonly areaId: number | null;
    }
  | { readonly type: 'area-in-out'; readonly id: 0x12; readonly locationType: AreaLocationType; readonly areaId: number; readonly direction: 'in' | 'out' }
  | {
      readonly type: 'route-driving-time';
      readonly id: 0x13;
      readonly routeSegmentId: number;
      readonly drivingTimeS: number;
      readonly result: 'too-short' | 'too-long';
    }
  | { readonly type: 'vehicle-signals'; readonly id: 0x25; readonly flags: number; readonly signals: VehicleSignals }
  | { readonly type: 'io-status'; readonly id: 0x2a; readonly flags: number; readonly deepSleep: boolean; readonly sleep: boolean }
  | { readonly type: 'analog'; readonly id: 0x2b; readonly ad0: number; readonly ad1: number }
  | { readonly type: 'signal-strength'; readonly id: 0x30; readonly signalStrength: number }
  | { readonly type: 'satellites'; readonly id: 0x31; readonly satellites: number }
  | { readonly type: 'raw'; readonly id: number; readonly value: Uint8Array }
  /**
   * Bytes after the last well-formed item whose declared length runs past the body.
   * Real terminals send such tails; the position itself is still good, so it is kept.
   */
  | { readonly type: 'unparsed-tail'; readonly id: -1; readonly value: Uint8Array };

export interface LocationReport {
  /** Alarm DWORD as sent; the source of truth when encoding. */
  readonly alarmFlags: number;
  readonly alarms: LocationAlarms;
  /** Status DWORD as sent; bits 2/3 are re-derived from the coordinate signs when encoding. */
  readonly statusFlags: number;
  readonly status: LocationStatus;
  /** Degrees, negative south (status bit 2). */
  readonly latitudeDeg: number;
  /** Degrees, negative west (status bit 3). */
  readonly longitudeDeg: number;
  readonly altitudeM: number;
  readonly speedKmh: number;
  /** 0–359, clockwise from north. */
  readonly directionDeg: number;
  /** Device time as UTC epoch ms (sent as GMT+8); null when the terminal sent zeros. */
  readonly deviceTimeMs: number | null;
  readonly items: readonly LocationItem[];
}

/** Finds the first additional item of a type, typed: `findLocationItem(r.items, 'mileage')?.mileageKm`. */
export function findLocationItem<T extends LocationItem['type']>(items: readonly LocationItem[], type: T): Extract<LocationItem, { type: T }> | undefined {
  return items.find((item): item is Extract<LocationItem, { type: T }> => item.type === type);
}

function u16At(value: Uint8Array, at: number): number {
  return (value[at]! << 8) | value[at + 1]!;
}

function u32At(value: Uint8Array, at: number): number {
  return ((value[at]! << 24) | (value[at + 1]! << 16) | (value[at + 2]! << 8) | value[at + 3]!) >>> 0;
}

function decodeItem(id: number, value: Uint8Array): LocationItem {
  const length = value.length;
  switch (id) {
    case 0x01:
      if (length === 4) return { type: 'mileage', id, mileageKm: u32At(value, 0) / 10 };
      break;
    case 0x02:
      if (length === 2) return { type: 'fuel', id, fuelL: u16At(value, 0) / 10 };
      break;
    case 0x03:
      if (length === 2) return { type: 'recorder-speed', id, recorderSpeedKmh: u16At(value, 0) / 10 };
      break;
    case 0x04:
      if (length === 2) return { type: 'alarm-event-id', id, eventId: u16At(value, 0) };
      break;
    case 0x11:
      if (length === 1 && value[0] === 0) return { type: 'overspeed', id, locationType: 0, areaId: null };
      if (length === 5 && value[0] !== 0) return { type: 'overspeed', id, locationType: value[0]!, areaId: u32At(value, 1) };
      break;
    case 0x12:
      if (length === 6 && value[5]! <= 1) {
        return { type: 'area-in-out', id, locationType: value[0]!, areaId: u32At(value, 1), direction: value[5] === 0 ? 'in' : 'out' };
      }
      break;
    case 0x13:
      if (length === 7 && value[6]! <= 1) {
        return {
          type: 'route-driving-time',
          id,
          routeSegmentId: u32At(value, 0),
          drivingTimeS: u16At(value, 4),
          result: value[6] === 0 ? 'too-short' : 'too-long',
        };
      }
      break;
    case 0x25:
      if (length === 4) {
        const flags = u32At(value, 0);
        return { type: 'vehicle-signals', id, flags, signals: decodeVehicleSignals(flags) };
      }
      break;
    case 0x2a:
      if (length === 2) {
        const flags = u16At(value, 0);
        return { type: 'io-status', id, flags, deepSleep: (flags & 1) === 1, sleep: (flags & 2) === 2 };
      }
      break;
    case 0x2b:
      if (length === 4) return { type: 'analog', id, ad0: u16At(value, 2), ad1: u16At(value, 0) };
      break;
    case 0x30:
      if (length === 1) return { type: 'signal-strength', id, signalStrength: value[0]! };
      break;
    case 0x31:
      if (length === 1) return { type: 'satellites', id, satellites: value[0]! };
      break;
  }
  // Copy: the value must not alias the caller's frame buffer once decoding is done.
  return { type: 'raw', id, value: value.slice() };
}

/** Tenths (0.1 km, 0.1 L, 0.1 km/h) → integer, rejecting what would not round-trip. */
function tenths(value: number, field: string): number {
  const scaled = Math.round(value * 10);
  if (!Number.isFinite(scaled)) throw new Jt808EncodeError('bad-value', field, `${value}`);
  return scaled;
}

function encodeItem(writer: ByteWriter, item: LocationItem): void {
  // A fixed field name: building one per item showed up in the encode profile.
  const field = 'items';
  switch (item.type) {
    case 'unparsed-tail':
      writer.bytes(item.value);
      return;
    case 'raw':
      writer.u8(item.id, field);
      writer.u8(item.value.length, `${field}.length`);
      writer.bytes(item.value);
      return;
  }
  writer.u8(item.id, field);
  switch (item.type) {
    case 'mileage':
      writer.u8(4);
      writer.u32(tenths(item.mileageKm, field), field);
      return;
    case 'fuel':
      writer.u8(2);
      writer.u16(tenths(item.fuelL, field), field);
      return;
    case 'recorder-speed':
      writer.u8(2);
      writer.u16(tenths(item.recorderSpeedKmh, field), field);
      return;
    case 'alarm-event-id':
      writer.u8(2);
      writer.u16(item.eventId, field);
      return;
    case 'overspeed':
      if (item.locationType === 0) {
        writer.u8(1);
        writer.u8(0);
      } else {
        writer.u8(5);
        writer.u8(item.locationType, field);
        writer.u32(item.areaId ?? 0, field);
      }
      return;
    case 'area-in-out':
      writer.u8(6);
      writer.u8(item.locationType, field);
      writer.u32(item.areaId, field);
      writer.u8(item.direction === 'in' ? 0 : 1);
      return;
    case 'route-driving-time':
      writer.u8(7);
      writer.u32(item.routeSegmentId, field);
      writer.u16(item.drivingTimeS, field);
      writer.u8(item.result === 'too-short' ? 0 : 1);
      return;
    case 'vehicle-signals':
      writer.u8(4);
      writer.u32(item.flags, field);
      return;
    case 'io-status':
      writer.u8(2);
      writer.u16(item.flags, field);
      return;
    case 'analog':
      writer.u8(4);
      writer.u16(item.ad1, field);
      writer.u16(item.ad0, field);
      return;
    case 'signal-strength':
      writer.u8(1);
      writer.u8(item.signalStrength, field);
      return;
    case 'satellites':
      writer.u8(1);
      writer.u8(item.satellites, field);
      return;
  }
}

const MICRODEGREES = 1_000_000;
const SOUTH = 1 << STATUS_BITS.southLatitude;
const WEST = 1 << STATUS_BITS.westLongitude;

export interface SignedCoordinates {
  readonly latitudeDeg: number;
  readonly longitudeDeg: number;
}

/**
 * Signed degrees from the unsigned DWORD millionths and the status word's south / west bits
 * (JT/T 809 positions carry the same status word). A zero coordinate is 0 whatever its bit.
 */
export function coordinatesFromStatus(latitudeRaw: number, longitudeRaw: number, statusFlags: number): SignedCoordinates {
  return {
    latitudeDeg: latitudeRaw === 0 ? 0 : ((statusFlags & SOUTH) !== 0 ? -latitudeRaw : latitudeRaw) / MICRODEGREES,
    longitudeDeg: longitudeRaw === 0 ? 0 : ((statusFlags & WEST) !== 0 ? -longitudeRaw : longitudeRaw) / MICRODEGREES,
  };
}

/** The status word (unsigned) with its south / west bits from the coordinates' signs; a zero coordinate keeps whatever bit was sent. */
export function statusWithHemispheres(statusFlags: number, coordinates: SignedCoordinates): number {
  let flags = statusFlags >>> 0;
  if (coordinates.latitudeDeg < 0) flags |= SOUTH;
  else if (coordinates.latitudeDeg > 0) flags &= ~SOUTH;
  if (coordinates.longitudeDeg < 0) flags |= WEST;
  else if (coordinates.longitudeDeg > 0) flags &= ~WEST;
  return flags >>> 0;
}

/** The 28-byte base + items; shared by 0x0200, 0x0201 and each 0x0704 entry. */
export function decodeLocation(reader: ByteReader): LocationReport {
  const alarmFlags = reader.u32('alarm flags');
  const statusFlags = reader.u32('status flags');
  const latitudeRaw = reader.u32('latitude');
  const longitudeRaw = reader.u32('longitude');
  const altitudeM = reader.u16('altitude');
  const speedTenths = reader.u16('speed');
  const directionDeg = reader.u16('direction');
  const deviceTimeMs = readBcdTime(reader, 'device time');
  const items = decodeItems(reader.rest());
  return {
    alarmFlags,
    alarms: decodeAlarmFlags(alarmFlags),
    statusFlags,
    status: decodeStatusFlags(statusFlags),
    ...coordinatesFromStatus(latitudeRaw, longitudeRaw, statusFlags),
    altitudeM,
    speedKmh: speedTenths / 10,
    directionDeg,
    deviceTimeMs,
    items,
  };
}

function decodeItems(area: Uint8Array): LocationItem[] {
  const items: LocationItem[] = [];
  let at = 0;
  while (at < area.length) {
    const length = area[at + 1];
    if (length === undefined || at + 2 + length > area.length) {
      items.push({ type: 'unparsed-tail', id: -1, value: area.slice(at) });
      break;
    }
    items.push(decodeItem(area[at]!, area.subarray(at + 2, at + 2 + length)));
    at += 2 + length;
  }
  return items;
}

function microdegrees(value: number, field: string): number {
  const scaled = Math.round(Math.abs(value) * MICRODEGREES);
  if (!Number.isFinite(scaled) || scaled > 0xffffffff) throw new Jt808EncodeError('value-out-of-range', field, `${value}`);
  return scaled;
}

export function encodeLocation(writer: ByteWriter, report: LocationReport): void {
  // The sign of a coordinate is the truth over the bits sent.
  const statusFlags = statusWithHemispheres(report.statusFlags, report);
  writer.u32(report.alarmFlags >>> 0, 'alarmFlags');
  writer.u32(statusFlags >>> 0, 'statusFlags');
  writer.u32(microdegrees(report.latitudeDeg, 'latitudeDeg'), 'latitudeDeg');
  writer.u32(microdegrees(report.longitudeDeg, 'longitudeDeg'), 'longitudeDeg');
  writer.u16(report.altitudeM, 'altitudeM');
  writer.u16(tenths(report.speedKmh, 'speedKmh'), 'speedKmh');
  writer.u16(report.directionDeg, 'directionDeg');
  writeBcdTime(writer, report.deviceTimeMs, 'deviceTimeMs');
  for (const item of report.items) encodeItem(writer, item);
}

/** 0x0200 位置信息汇报. */
export const locationReportCodec: MessageCodec<LocationReport> = {
  messageId: 0x0200,
  name: 'location report',
  decode: (reader) => decodeLocation(reader),
  encode: (writer, body) => encodeLocation(writer, body),
};
