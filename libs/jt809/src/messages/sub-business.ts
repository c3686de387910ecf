import { ByteWriter, readFixedString, writeFixedString, type ByteReader } from '@roadwatch/jt808';
import { Jt809DecodeError, Jt809EncodeError } from '../errors.js';
import type { Jt809Edition } from '../header.js';
import type { Jt809BodyContext, Jt809MessageCodec } from './message-codec.js';

/**
 * The business messages (0x1200, 0x1300, 0x1400, 0x1600 and their 0x9xxx counterparts)
 * share one envelope: [VEHICLE_NO 21, VEHICLE_COLOR], DATA_TYPE (the sub-business id, e.g.
 * 0x1202), DATA_LENGTH, then DATA_LENGTH bytes of the sub-business body.
 */

export interface Jt809Vehicle {
  /** VEHICLE_NO, GBK, 21 bytes. */
  readonly plate: string;
  /** VEHICLE_COLOR (JT/T 415: 1 blue, 2 yellow, 3 black, 4 white, 9 other; 2019 adds 5 green...). */
  readonly plateColor: number;
}

/** A sub-business this codec has no layout for: its bytes, kept whole. */
export interface RawSubBusinessData {
  readonly kind: 'raw';
  readonly bytes: Uint8Array;
}

export interface SubBusinessBody<TData> {
  /** null for families without the vehicle prefix (0x1300/0x9300; 0x1400/0x9400 in 2019). */
  readonly vehicle: Jt809Vehicle | null;
  /** DATA_TYPE. */
  readonly dataType: number;
  readonly data: TData | RawSubBusinessData;
}

export interface SubBusinessCodec<TData extends { readonly kind: string }> {
  readonly dataType: number;
  readonly kind: TData['kind'];
  readonly name: string;
  decode(reader: ByteReader, context: Jt809BodyContext): TData;
  encode(writer: ByteWriter, data: TData, context: Jt809BodyContext): void;
}

export function readVehicle(reader: ByteReader): Jt809Vehicle {
  return { plate: readFixedString(reader, 21, 'VEHICLE_NO'), plateColor: reader.u8('VEHICLE_COLOR') };
}

export function writeVehicle(writer: ByteWriter, vehicle: Jt809Vehicle): void {
  writeFixedString(writer, vehicle.plate, 21, 'plate');
  writer.u8(vehicle.plateColor, 'plateColor');
}

export function subBusinessCodec<TData extends { readonly kind: string }>(
  messageId: number,
  name: string,
  hasVehicle: (edition: Jt809Edition) => boolean,
  subs: readonly SubBusinessCodec<TData>[],
): Jt809MessageCodec<SubBusinessBody<TData>> {
  const byType = new Map(subs.map((sub) => [sub.dataType, sub]));
  const byKind = new Map(subs.map((sub) => [sub.kind, sub]));
  return {
    messageId,
    name,
    decode(reader, context) {
      const vehicle = hasVehicle(context.edition) ? readVehicle(reader) : null;
      const dataType = reader.u16('DATA_TYPE');
      const lengthAt = reader.offset;
      const dataLength = reader.u32('DATA_LENGTH');
      if (dataLength !== reader.remaining) {
        throw new Jt809DecodeError('length-mismatch', lengthAt, `DATA_LENGTH ${dataLength}, ${reader.remaining} byte(s) follow`);
      }
      const sub = byType.get(dataType);
      if (!sub) return { vehicle, dataType, data: { kind: 'raw', bytes: reader.rest().slice() } };
      const data = sub.decode(reader, context);
      if (reader.remaining !== 0) {
        throw new Jt809DecodeError('length-mismatch', reader.offset, `${reader.remaining} byte(s) after the 0x${dataType.toString(16)} ${sub.name} body`);
      }
      return { vehicle, dataType, data };
    },
    encode(writer, body, context) {
      if (hasVehicle(context.edition)) {
        if (!body.vehicle) throw new Jt809EncodeError('bad-value', 'vehicle', `0x${messageId.toString(16)} carries a vehicle in ${context.edition}`);
        writeVehicle(writer, body.vehicle);
      }
      const inner = new ByteWriter(64);
      if (body.data.kind === 'raw') {
        inner.bytes((body.data as RawSubBusinessData).bytes);
      } else {
        const sub = byKind.get(body.data.kind);
        if (!sub || sub.dataType !== body.dataType) {
          throw new Jt809EncodeError('bad-value', 'dataType', `0x${body.dataType.toString(16)} does not carry ${body.data.kind}`);
        }
        sub.encode(inner, body.data as TData, context);
      }
      writer.u16(body.dataType, 'dataType');
      writer.u32(inner.length, 'DATA_LENGTH');
      writer.bytes(inner.toBytes());
    },
  };
}
