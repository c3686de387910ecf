import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeVehicleState } from '@roadwatch/rules';
import { describe, expect, it } from 'vitest';
import { CheckpointDecodeError, PartitionStateCodec, STATE_FORMAT_MSGPACK_RECORDS } from './checkpoint-codec';

const v1Checkpoints = JSON.parse(readFileSync(join(import.meta.dirname, '../../../../libs/rules/src/pipeline/fixtures/v1-checkpoints.json'), 'utf8')) as {
  vehicles: Array<{ checkpoints: Array<{ state: unknown }> }>;
};
/** Real rules states (the v1 captures brought up to this version), as the detector checkpoints them. */
const slots = v1Checkpoints.vehicles.flatMap((vehicle) =>
  vehicle.checkpoints.map((checkpoint) => ({ terminalId: '013800000001', registered: true, rules: decodeVehicleState(structuredClone(checkpoint.state)) })),
);

const stored = (codec: PartitionStateCodec, states: unknown[]) => {
  const encoded = codec.encodeAll(states);
  codec.written(encoded);
  return encoded;
};

describe('checkpoint codec — format byte, MessagePack records, the JSON of earlier releases', () => {
  it('round-trips what a JSON round trip keeps: nesting, Chinese text, floats, the largest safe integer, negatives, null, empty containers', () => {
    const codec = new PartitionStateCodec();
    const value = {
      plate: '京A12345',
      summary: '超速 ≥ 50% — 严重',
      kmh: 97.53,
      tiny: 1e-9,
      big: Number.MAX_SAFE_INTEGER,
      negative: -12.5,
      nothing: null,
      empty: {},
      list: [],
      nested: [{ a: [1, [2, { b: 'c' }]] }, true, false],
    };
    const encoded = stored(codec, [value]);
    expect(encoded.values[0]![0]).toBe(STATE_FORMAT_MSGPACK_RECORDS);
    expect(new PartitionStateCodec(new Map(encoded.structures)).decode(encoded.values[0]!)).toEqual(value);
  });

  it('writes a rules state in well under half of its JSON, and a restarted codec reads it and writes no new key lists', () => {
    const codec = new PartitionStateCodec();
    const encoded = stored(codec, slots);
    const jsonBytes = slots.reduce((sum, slot) => sum + Buffer.byteLength(JSON.stringify(slot)), 0);
    const packedBytes = encoded.values.reduce((sum, value) => sum + value.length, 0);
    expect(slots.length).toBeGreaterThan(3);
    expect(packedBytes).toBeLessThan(jsonBytes / 2);
    const restarted = new PartitionStateCodec(new Map(encoded.structures));
    expect(encoded.values.map((value) => restarted.decode(value))).toEqual(slots);
    expect(restarted.encodeAll(slots).structures).toEqual([]);
  });

  it('reads the JSON of an earlier release (it starts with "{")', () => {
    const json = Buffer.from(JSON.stringify(slots[0]), 'utf8');
    expect(new PartitionStateCodec().decode(json)).toEqual(JSON.parse(JSON.stringify(slots[0])));
  });

  it('names what is wrong with a value it cannot read', () => {
    const codec = new PartitionStateCodec();
    const encoded = codec.encodeAll([{ a: { b: 1 } }]);
    const value = encoded.values[0];
    const cases: Array<[Buffer, RegExp]> = [
      [Buffer.alloc(0), /empty checkpoint value/],
      [Buffer.from([0xff, 0x00]), /unknown checkpoint format byte 0xff/],
      [Buffer.from('{"a":', 'utf8'), /JSON checkpoint value not readable/],
      [value!.subarray(0, 5), /truncated/],
      // Key lists never written (the checkpoint that carried them was refused): named, not guessed.
      [value!, /refers to record structures [0-9a-f]{16}, which the checkpoint does not hold/],
    ];
    const reader = new PartitionStateCodec();
    for (const [bytes, message] of cases) {
      expect(() => reader.decode(bytes)).toThrow(CheckpointDecodeError);
      expect(() => reader.decode(bytes)).toThrow(message);
    }
    // Known key lists, a body cut short (a 16-byte string of which 2 bytes are there).
    const withLists = new PartitionStateCodec(new Map(encoded.structures));
    expect(() => withLists.decode(Buffer.concat([value!.subarray(0, 9), Buffer.from([0xd9, 0x10, 0x61, 0x62])]))).toThrow(
      /MessagePack checkpoint value not readable/,
    );
  });
});
