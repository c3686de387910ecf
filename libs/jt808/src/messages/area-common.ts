import { ByteReader, ByteWriter } from '../bytes.js';
import { readBcdDigits, writeBcdDigits } from '../bcd.js';
import { Jt808EncodeError } from '../errors.js';
import { encodeGbk } from '../gbk.js';
import type { BodyContext, MessageCodec } from './message-codec.js';
import { textOf } from './strings.js';

/**
 * What the area and route messages (0x8600–0x8607, JT/T 808-2013 §8.44–8.51, 2019 §8.50–8.57)
 * share: the attribute bits, the optional time window and speed limit they switch on, the
 * 2019 name, and coordinates in millionths of a degree.
 */

/** Area attribute WORD bits (0x8600 / 0x8602 / 0x8604). */
export const AREA_ATTRIBUTE_BITS = {
  /** Start and end time present and judged. */
  byTime: 0,
  /** Maximum speed and overspeed duration present (2019: and the night maximum). */
  speedLimit: 1,
  enterAlarmToDriver: 2,
  enterAlarmToPlatform: 3,
  exitAlarmToDriver: 4,
  exitAlarmToPlatform: 5,
  southLatitude: 6,
  westLongitude: 7,
  doorsForbidden: 8,
  commsOffInside: 14,
  collectGnssInside: 15,
} as const;

/** Route attribute WORD bits (0x8606): bit 1 is reserved; speed limits are per segment. */
export const ROUTE_ATTRIBUTE_BITS = {
  byTime: 0,
  enterAlarmToDriver: 2,
  enterAlarmToPlatform: 3,
  exitAlarmToDriver: 4,
  exitAlarmToPlatform: 5,
} as const;

/** 设置属性 of 0x8600 / 0x8602: 0 replace every area, 1 append, 2 modify. */
export const AreaSettingAction = { Replace: 0, Append: 1, Modify: 2 } as const;

export type AttributeName = keyof typeof AREA_ATTRIBUTE_BITS | keyof typeof ROUTE_ATTRIBUTE_BITS;

/** The attribute WORD from named bits. */
export function attributesFrom(bits: Partial<Record<keyof typeof AREA_ATTRIBUTE_BITS, boolean>>): number {
  let value = 0;
  for (const [name, on] of Object.entries(bits)) if (on) value |= 1 << AREA_ATTRIBUTE_BITS[name as keyof typeof AREA_ATTRIBUTE_BITS];
  return value;
}

export const hasBit = (value: number, bit: number): boolean => ((value >>> bit) & 1) === 1;

/**
 * A time window as sent: BCD YYMMDDhhmmss, GMT+8. Kept as the 12 digits, not an instant: 2019
 * lets zeros stand for "every year / month / day" (000000080000 = daily from 08:00).
 */
export interface TimeWindow {
  readonly startTime: string;
  readonly endTime: string;
}

export interface SpeedLimit {
  readonly maxSpeedKmh: number;
  readonly overspeedDurationS: number;
}

export function readTimeWindow(reader: ByteReader, attributes: number): TimeWindow | null {
  if (!hasBit(attributes, AREA_ATTRIBUTE_BITS.byTime)) return null;
  return { startTime: readBcdDigits(reader, 6, 'start time'), endTime: readBcdDigits(reader, 6, 'end time') };
}

export function writeTimeWindow(writer: ByteWriter, attributes: number, window: TimeWindow | null, field: string): void {
  const on = hasBit(attributes, AREA_ATTRIBUTE_BITS.byTime);
  if (on !== (window !== null)) throw new Jt808EncodeError('bad-value', field, 'attribute bit 0 and the time window must agree');
  if (!window) return;
  for (const [name, digits] of [
    ['startTime', window.startTime],
    ['endTime', window.endTime],
  ] as const) {
    if (!/^\d{12}$/.test(digits)) throw new Jt808EncodeError('bad-value', `${field}.${name}`, `"${digits}" is not 12 digits YYMMDDhhmmss`);
    writeBcdDigits(writer, digits, 6, `${field}.${name}`);
  }
}

export function readSpeedLimit(reader: ByteReader, on: boolean): SpeedLimit | null {
  if (!on) return null;
  return { maxSpeedKmh: reader.u16('maximum speed'), overspeedDurationS: reader.u8('overspeed duration') };
}

export function writeSpeedLimit(writer: ByteWriter, on: boolean, limit: SpeedLimit | null, field: string): void {
  if (on !== (limit !== null)) throw new Jt808EncodeError('bad-value', field, 'the speed-limit attribute bit and the speed limit must agree');
  if (!limit) return;
  writer.u16(limit.maxSpeedKmh, `${field}.maxSpeedKmh`);
  writer.u8(limit.overspeedDurationS, `${field}.overspeedDurationS`);
}

/** 2019 only, present with the speed limit: 夜间最高速度 WORD km/h. */
export function readNightSpeed(reader: ByteReader, on: boolean, context: BodyContext): number | null {
  return context.edition === '2019' && on ? reader.u16('night maximum speed') : null;
}

export function writeNightSpeed(writer: ByteWriter, on: boolean, nightMaxSpeedKmh: number | null, context: BodyContext, field: string): void {
  if (context.edition !== '2019' || !on) return;
  if (nightMaxSpeedKmh === null) throw new Jt808EncodeError('bad-value', field, 'a 2019 speed limit needs the night maximum speed');
  writer.u16(nightMaxSpeedKmh, field);
}

/** 2019 only: name length WORD, then GBK. Null before 2019. */
export function readName(reader: ByteReader, context: BodyContext): string | null {
  if (context.edition !== '2019') return null;
  const length = reader.u16('name length');
  const at = reader.offset;
  return textOf(reader.bytes(length, 'name'), at, 'name');
}

export function writeName(writer: ByteWriter, name: string | null, context: BodyContext, field: string): void {
  if (context.edition !== '2019') return;
  const bytes = encodeGbk(name ?? '', field);
  writer.u16(bytes.length, `${field} length`);
  writer.bytes(bytes);
}

/** The optional parts an area item carries after its geometry (0x8600 / 0x8602 / 0x8604). */
export interface AreaRules {
  /** Area attribute WORD as sent (AREA_ATTRIBUTE_BITS); the source of truth when encoding. */
  readonly attributes: number;
  /** Present exactly when attribute bit 0 is set. */
  readonly window: TimeWindow | null;
  /** Present exactly when attribute bit 1 is set. */
  readonly speedLimit: SpeedLimit | null;
  /** 2019, with the speed limit; null otherwise. */
  readonly nightMaxSpeedKmh: number | null;
  /** 2019 only; null before. */
  readonly name: string | null;
}

/** The speed limit and, 2019, the night maximum — back to back in 0x8600 / 0x8602 items and 0x8606 points. */
export type SpeedLimits = Pick<AreaRules, 'speedLimit' | 'nightMaxSpeedKmh'>;

export function readSpeedLimits(reader: ByteReader, on: boolean, context: BodyContext): SpeedLimits {
  const speedLimit = readSpeedLimit(reader, on);
  return { speedLimit, nightMaxSpeedKmh: readNightSpeed(reader, on, context) };
}

export function writeSpeedLimits(writer: ByteWriter, on: boolean, limits: SpeedLimits, context: BodyContext, field: string): void {
  writeSpeedLimit(writer, on, limits.speedLimit, `${field}.speedLimit`);
  writeNightSpeed(writer, on, limits.nightMaxSpeedKmh, context, `${field}.nightMaxSpeedKmh`);
}

/** What follows a circle's or rectangle's geometry: time window, speed limits, name (0x8604 splits them round its vertices). */
export function readAreaRules(reader: ByteReader, attributes: number, context: BodyContext): AreaRules {
  const window = readTimeWindow(reader, attributes);
  const limits = readSpeedLimits(reader, hasBit(attributes, AREA_ATTRIBUTE_BITS.speedLimit), context);
  return { attributes, window, ...limits, name: readName(reader, context) };
}

/** `field` is the item's path ("areas[0]"); the parts are named below it as the decoder names them. */
export function writeAreaRules(writer: ByteWriter, rules: AreaRules, context: BodyContext, field: string): void {
  writeTimeWindow(writer, rules.attributes, rules.window, `${field}.window`);
  writeSpeedLimits(writer, hasBit(rules.attributes, AREA_ATTRIBUTE_BITS.speedLimit), rules, context, field);
  writeName(writer, rules.name, context, `${field}.name`);
}

/** 0x8600 / 0x8602: setting action BYTE (AreaSettingAction), count BYTE, then the items. */
export interface SetAreas<Area> {
  /** AreaSettingAction: 0 replace every area of this shape, 1 append, 2 modify. */
  readonly action: number;
  readonly areas: readonly Area[];
}

/** An item of 0x8600 / 0x8602: id DWORD, attributes WORD, the shape's geometry, then its rules. */
export type AreaItem<Geometry> = { readonly areaId: number } & Geometry & AreaRules;

/** What tells 0x8600 (circles) from 0x8602 (rectangles): only the geometry between attributes and rules. */
export interface AreaListShape<Geometry> {
  readonly messageId: number;
  readonly name: string;
  /** Plural noun for the too-many error: "300 circles; one 0x8600 holds at most 255". */
  readonly shapes: string;
  readGeometry(reader: ByteReader): Geometry;
  /** `field` is the item's path ("areas[0]"). */
  writeGeometry(writer: ByteWriter, geometry: Geometry, field: string): void;
}

/** The codec of a list-of-areas message (0x8600 / 0x8602) from the geometry of its shape. */
export function setAreasCodec<Geometry>(shape: AreaListShape<Geometry>): MessageCodec<SetAreas<AreaItem<Geometry>>> {
  const message = `0x${shape.messageId.toString(16)}`;
  return {
    messageId: shape.messageId,
    name: shape.name,
    decode(reader, context) {
      const action = reader.u8('setting action');
      const count = reader.u8('area count');
      const areas: AreaItem<Geometry>[] = [];
      for (let i = 0; i < count; i += 1) {
        const areaId = reader.u32('area id');
        const attributes = reader.u16('area attributes');
        const geometry = shape.readGeometry(reader);
        areas.push({ areaId, ...geometry, ...readAreaRules(reader, attributes, context) });
      }
      return { action, areas };
    },
    encode(writer, body, context) {
      writer.u8(body.action, 'action');
      if (body.areas.length > 0xff) {
        throw new Jt808EncodeError('value-out-of-range', 'areas', `${body.areas.length} ${shape.shapes}; one ${message} holds at most 255`);
      }
      writer.u8(body.areas.length, 'areaCount');
      body.areas.forEach((area, i) => {
        const field = `areas[${i}]`;
        writer.u32(area.areaId, `${field}.areaId`);
        writer.u16(area.attributes, `${field}.attributes`);
        shape.writeGeometry(writer, area, field);
        writeAreaRules(writer, area, context, field);
      });
    },
  };
}

/** Unsigned degrees ↔ DWORD millionths (hemispheres are attribute bits, not signs). */
export function readMicroDegrees(reader: ByteReader, what: string): number {
  return reader.u32(what) / 1e6;
}

export function writeMicroDegrees(writer: ByteWriter, degrees: number, field: string): void {
  writer.u32(Math.round(degrees * 1e6), field);
}

/** 0x8601 / 0x8603 / 0x8605 / 0x8607: count BYTE (0 = delete all), then DWORD ids (at most 125). */
export interface DeleteAreas {
  /** Empty = every area (route) of this kind. */
  readonly ids: readonly number[];
}

export const MAX_IDS_PER_DELETE = 125;

export function readDeleteAreas(reader: ByteReader): DeleteAreas {
  const count = reader.u8('count');
  const ids: number[] = [];
  for (let i = 0; i < count; i += 1) ids.push(reader.u32('id'));
  return { ids };
}

export function writeDeleteAreas(writer: ByteWriter, body: DeleteAreas): void {
  if (body.ids.length > MAX_IDS_PER_DELETE) {
    throw new Jt808EncodeError('value-out-of-range', 'ids', `${body.ids.length} ids; one message deletes at most ${MAX_IDS_PER_DELETE}`);
  }
  writer.u8(body.ids.length, 'count');
  for (const id of body.ids) writer.u32(id, 'ids');
}
