import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkDecodedPosition, positionV1Avro } from './position.avro';
import { positionV1, type PositionV1 } from './position.schema';
import { unsafeCharacterIn } from './safe-string';

const valid = (): PositionV1 => ({
  v: 1,
  vehicleId: '京A12345:2',
  terminalId: '13912345678',
  plate: '京A12345',
  plateColour: 2,
  registered: true,
  driverId: 'Q123456789',
  deviceTimeMs: 1_764_000_000_000,
  receivedAtMs: 1_764_000_000_500,
  latitudeDeg: 39.9,
  longitudeDeg: 116.4,
  altitudeM: -12.5,
  speedKmh: 62.5,
  headingDeg: 359.9,
  alarmFlags: 0xffff_ffff,
  statusFlags: 3,
  accOn: true,
  gnssFixed: false,
  mileageKm: 123_456.7,
  recorderSpeedKmh: 61,
  satellites: 12,
  source: 'blind-area',
  signalStrength: 31,
  sourcePlatform: '20190001',
});

describe('positionV1Avro — the binary form of positionV1', () => {
  it('lists exactly the fields of the zod schema, in its order', () => {
    expect(positionV1Avro.fields.map((f) => f.name)).toEqual(Object.keys(positionV1.shape));
  });

  it('makes a field nullable exactly where the zod schema makes it optional, with null as its default', () => {
    for (const field of positionV1Avro.fields) {
      const zodField = positionV1.shape[field.name as keyof typeof positionV1.shape];
      const optional = zodField instanceof z.ZodOptional;
      expect(Array.isArray(field.type) && field.type[0] === 'null', field.name).toBe(optional);
      expect('default' in field && field.default === null, field.name).toBe(optional);
    }
  });

  it('gives integer fields an integer type and number fields double, so no value JSON carried is rounded', () => {
    const sample = valid();
    for (const field of positionV1Avro.fields) {
      const base = Array.isArray(field.type) ? field.type[1] : field.type;
      const value = sample[field.name as keyof PositionV1];
      if (typeof value === 'number' && !Number.isInteger(value)) expect(base, field.name).toBe('double');
      if (typeof value === 'boolean') expect(base, field.name).toBe('boolean');
      if (typeof value === 'string') expect(base, field.name).toBe('string');
    }
  });
});

describe('checkDecodedPosition — the checks left after Avro decoded a position', () => {
  it('passes what positionV1 accepts and turns the decoder’s nulls into absent fields', () => {
    expect(positionV1.safeParse(valid()).success).toBe(true);
    expect(checkDecodedPosition({ ...valid() })).toBeUndefined();
    const decoded: Record<string, unknown> = {
      ...valid(),
      plate: null,
      plateColour: null,
      driverId: null,
      mileageKm: null,
      recorderSpeedKmh: null,
      satellites: null,
      sourcePlatform: null,
    };
    expect(checkDecodedPosition(decoded)).toBeUndefined();
    expect(decoded['plate']).toBeUndefined();
    expect(decoded['satellites']).toBeUndefined();
    expect(decoded['sourcePlatform']).toBeUndefined();
    expect(positionV1.safeParse(decoded).success).toBe(true);
  });

  // Each value is of the Avro field's type (the decoder guarantees types) but refused by positionV1.
  const refused: Array<[keyof PositionV1, unknown]> = [
    ['v', 2],
    ['vehicleId', ''],
    ['vehicleId', 'V\u0000'],
    ['terminalId', ''],
    ['terminalId', 'T\u001b[2J'],
    ['plate', '京A\u00001234'],
    ['plateColour', 256],
    ['plateColour', -1],
    ['driverId', 'D\ud800'],
    ['deviceTimeMs', -1],
    ['receivedAtMs', -5],
    ['latitudeDeg', 90.5],
    ['latitudeDeg', Number.NaN],
    ['longitudeDeg', -180.1],
    ['altitudeM', Number.POSITIVE_INFINITY],
    ['altitudeM', Number.NaN],
    ['speedKmh', -0.1],
    ['speedKmh', Number.POSITIVE_INFINITY],
    ['headingDeg', 361],
    ['alarmFlags', -1],
    ['statusFlags', 2 ** 53],
    ['mileageKm', -1],
    ['recorderSpeedKmh', Number.NaN],
    ['satellites', -2],
    ['source', 'blind_area'],
    ['source', 'x\u0000'],
    ['sourcePlatform', ''],
    ['sourcePlatform', '2019\u0000'],
  ];
  it.each(refused)('refuses %s = %j as positionV1 does, naming the field', (field, value) => {
    const position = { ...valid(), [field]: value };
    expect(positionV1.safeParse(position).success).toBe(false);
    const why = checkDecodedPosition(position);
    expect(why).toMatch(new RegExp(`^${field}: `));
    expect(unsafeCharacterIn(why!)).toBeUndefined();
  });
});
