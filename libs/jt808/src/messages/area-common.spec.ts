import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter, bytesToHex } from '../bytes.js';
import { encodeBody } from '../codec.js';
import { Jt808DecodeError, Jt808EncodeError } from '../errors.js';
import { attributesFrom, setAreasCodec, type AreaItem } from './area-common.js';
import { setRectangleAreasCodec, type RectangleArea } from './8602-set-rectangle-area.js';

/** A made-up shape with a one-byte geometry: shows what the shared list codec itself writes. */
const dots = setAreasCodec<{ readonly sizeM: number }>({
  messageId: 0x86ff,
  name: 'set dots',
  shapes: 'dots',
  readGeometry: (reader) => ({ sizeM: reader.u8('size') }),
  writeGeometry: (writer, dot, field) => writer.u8(dot.sizeM, `${field}.sizeM`),
});

const plainRules = { attributes: 0, window: null, speedLimit: null, nightMaxSpeedKmh: null, name: null };

function encode<T>(
  codec: { encode(writer: ByteWriter, body: T, context: { edition: '2013' | '2019' }): void },
  body: T,
  edition: '2013' | '2019' = '2013',
): Uint8Array {
  const writer = new ByteWriter();
  codec.encode(writer, body, { edition });
  return writer.toBytes();
}

describe('setAreasCodec: the list framing shared by 0x8600 and 0x8602', () => {
  it('writes action, count, then per item id, attributes, the geometry and the rules — and reads them back in that order', () => {
    const areas: AreaItem<{ readonly sizeM: number }>[] = [
      { areaId: 0x01020304, sizeM: 0xaa, ...plainRules },
      { areaId: 2, sizeM: 0xbb, ...plainRules, attributes: 1, window: { startTime: '000000080000', endTime: '000000180000' } },
    ];
    const bytes = encode(dots, { action: 2, areas });
    expect(bytesToHex(bytes)).toBe('0202' + '01020304' + '0000' + 'aa' + '00000002' + '0001' + 'bb' + '000000080000' + '000000180000');
    expect(dots.decode(new ByteReader(bytes, 0, bytes.length), { edition: '2013' })).toEqual({ action: 2, areas });
  });

  it('2019 puts the night speed and the name after the geometry of every item', () => {
    const attributes = attributesFrom({ speedLimit: true });
    const area = { areaId: 9, sizeM: 1, ...plainRules, attributes, speedLimit: { maxSpeedKmh: 60, overspeedDurationS: 5 }, nightMaxSpeedKmh: 48, name: '区' };
    const bytes = encode(dots, { action: 0, areas: [area] }, '2019');
    expect(bytesToHex(bytes)).toBe('0001' + '00000009' + '0002' + '01' + '003c' + '05' + '0030' + '0002' + 'c7f8');
    expect(dots.decode(new ByteReader(bytes, 0, bytes.length), { edition: '2019' }).areas).toEqual([area]);
  });

  it('words the too-many error with the shape and the message id', () => {
    const many = Array.from({ length: 256 }, (_, i) => ({ areaId: i, sizeM: 1, ...plainRules }));
    expect(() => encode(dots, { action: 0, areas: many })).toThrow(
      new Jt808EncodeError('value-out-of-range', 'areas', '256 dots; one 0x86ff holds at most 255'),
    );
    expect(() => encodeBody(0x8600, { action: 0, areas: many.map((a) => ({ ...a, centerLatitudeDeg: 0, centerLongitudeDeg: 0, radiusM: 1 })) })).toThrow(
      '256 circles; one 0x8600 holds at most 255',
    );
  });

  it('a truncated item is a typed error naming the geometry field the shape reads', () => {
    const bytes = Uint8Array.from([0, 1, 0, 0, 0, 1, 0, 0]);
    const error = (() => {
      try {
        dots.decode(new ByteReader(bytes, 0, bytes.length), { edition: '2013' });
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(Jt808DecodeError);
    expect((error as Jt808DecodeError).kind).toBe('truncated');
    expect((error as Jt808DecodeError).offset).toBe(8);
    expect((error as Error).message).toMatch(/size needs 1 byte/);
  });
});

describe('0x8602 rectangles through the shared list codec', () => {
  const rectangle: RectangleArea = {
    areaId: 3,
    topLeftLatitudeDeg: 40.1,
    topLeftLongitudeDeg: 116.2,
    bottomRightLatitudeDeg: 39.8,
    bottomRightLongitudeDeg: 116.6,
    ...plainRules,
  };

  it('corners in the order top-left lat, lon, bottom-right lat, lon, in millionths; round trip', () => {
    const bytes = encodeBody(0x8602, { action: 1, areas: [rectangle] });
    expect(bytesToHex(bytes)).toBe('0101' + '00000003' + '0000' + '0263e0a0' + '06ed1240' + '025f4cc0' + '06f32cc0');
    expect(setRectangleAreasCodec.decode(new ByteReader(bytes, 0, bytes.length), { edition: '2013' })).toEqual({ action: 1, areas: [rectangle] });
  });

  it('names the failing corner on encode and on decode', () => {
    expect(() => encodeBody(0x8602, { action: 0, areas: [rectangle, { ...rectangle, bottomRightLongitudeDeg: -1 }] })).toThrow(
      /areas\[1\]\.bottomRightLongitudeDeg/,
    );
    const bytes = encodeBody(0x8602, { action: 0, areas: [rectangle] }).subarray(0, 2 + 4 + 2 + 12);
    expect(() => setRectangleAreasCodec.decode(new ByteReader(bytes, 0, bytes.length), { edition: '2013' })).toThrow(/bottom-right longitude/);
  });
});
