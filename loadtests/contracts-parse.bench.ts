// Contract parsing micro-benchmark: how much the safe-string check (no NUL, control
// character or unpaired surrogate in any string) costs per message. Messages per second on
// one core, for a position and a WIM station record, valid (the common case) and poisoned.
// Run: npx tsx loadtests/contracts-parse.bench.ts
// Prints figures; it asserts nothing and is not part of the test suite.
import avro from 'avsc';
import { Packr } from 'msgpackr';
import protobuf from 'protobufjs';
import { positionV1, positionV1Avro, TOPICS, unsafeCharacterIn, wimStationRecordV1 } from '../libs/contracts/src/index.js';
import { decodeValue, encodeAll } from '../libs/messaging/src/codec.js';
import { cpuMicros } from './cpu';
import { aPosition } from '../libs/testing/src/factories/index.js';
import { recordOutput } from './perf-doc';

// `--record`: what this bench prints becomes its section of docs/performance.md.
recordOutput('contracts-parse');

const position = aPosition({
  vehicleId: '京A12345:2',
  terminalId: '13912345678',
  plateColour: 2,
  driverId: 'Q123456789',
  deviceTimeMs: 1_764_000_000_000,
  receivedAtMs: 1_764_000_001_000,
  altitudeM: 50,
  speedKmh: 62.5,
});
const station = {
  stationId: 'ST-HB-001',
  recordId: 'R-0001',
  lane: 2,
  direction: '北京方向',
  measuredAt: '2026-11-23T10:15:00+08:00',
  plate: '冀F12345',
  plateColour: 2,
  axleCount: 6,
  axleWeightsKg: [7_000, 9_000, 9_000, 9_000, 9_000, 8_000],
  grossKg: 51_000,
  speedKmh: 42,
  imageRefs: ['img/1.jpg', 'img/2.jpg'],
  accuracyClassPct: 5,
};

const rate = (what: string, run: () => unknown, count = 200_000): void => {
  for (let i = 0; i < count / 10; i += 1) run();
  const startMs = performance.now();
  for (let i = 0; i < count; i += 1) run();
  const perSecond = count / ((performance.now() - startMs) / 1000);
  console.log(`${what.padEnd(52)} ${Math.round(perSecond).toLocaleString('en-US').padStart(12)} /s  ${(1e6 / perSecond).toFixed(2)} µs each`);
};

rate('positionV1.safeParse, valid', () => positionV1.safeParse(position));
rate('positionV1.safeParse, NUL in the plate', () => positionV1.safeParse({ ...position, plate: '京A\u000012345' }));
rate('wimStationRecordV1.safeParse, valid', () => wimStationRecordV1.safeParse(station));
rate('wimStationRecordV1.safeParse, lone surrogate in the plate', () => wimStationRecordV1.safeParse({ ...station, plate: '冀F1234\ud800' }));
rate('unsafeCharacterIn, a clean Chinese plate', () => unsafeCharacterIn('京A12345'), 2_000_000);
rate('unsafeCharacterIn, 2,000 characters of free text', () => unsafeCharacterIn('请注意休息，前方服务区。'.repeat(166), 'text'), 200_000);

// ── The wire format of telemetry.positions (issue #13) ──────────────────────────────────────
// CPU-µs per position (process.cpuUsage) for what the producer does once a position is valid
// (serialise to the bytes Kafka carries) and what each consumer does with those bytes (decode
// and check): JSON + zod (the format before, still read on a mixed topic), the Avro form the
// bus writes now (avsc, `positionV1Avro`), and two other candidates measured on the same
// record: protobufjs (the same fields as a proto3 message) and msgpackr records. Bytes per position too.
const wireRate = (what: string, run: () => unknown, count = 200_000): void => {
  for (let i = 0; i < count / 10; i += 1) run();
  const before = process.cpuUsage();
  for (let i = 0; i < count; i += 1) run();
  const cpuUs = cpuMicros(process.cpuUsage(before)) / count;
  console.log(`${what.padEnd(64)} ${cpuUs.toFixed(2).padStart(6)} CPU-µs each`);
};

const wirePosition = { ...position, plate: '京A12345', mileageKm: 12_345.6, satellites: 11 };
const [avroEncoded] = encodeAll(TOPICS.positions, [{ key: wirePosition.vehicleId, value: wirePosition }], { validated: true });
const avroBytes = avroEncoded!.value as Buffer;
const jsonBytes = Buffer.from(JSON.stringify(wirePosition));

const proto = protobuf.Type.fromJSON('PositionV1', {
  fields: {
    v: { type: 'uint32', id: 1 },
    vehicleId: { type: 'string', id: 2 },
    terminalId: { type: 'string', id: 3 },
    plate: { type: 'string', id: 4 },
    plateColour: { type: 'uint32', id: 5 },
    registered: { type: 'bool', id: 6 },
    driverId: { type: 'string', id: 7 },
    deviceTimeMs: { type: 'double', id: 8 },
    receivedAtMs: { type: 'double', id: 9 },
    latitudeDeg: { type: 'double', id: 10 },
    longitudeDeg: { type: 'double', id: 11 },
    altitudeM: { type: 'double', id: 12 },
    speedKmh: { type: 'double', id: 13 },
    headingDeg: { type: 'double', id: 14 },
    alarmFlags: { type: 'uint32', id: 15 },
    statusFlags: { type: 'uint32', id: 16 },
    accOn: { type: 'bool', id: 17 },
    gnssFixed: { type: 'bool', id: 18 },
    mileageKm: { type: 'double', id: 19 },
    recorderSpeedKmh: { type: 'double', id: 20 },
    satellites: { type: 'uint32', id: 21 },
    source: { type: 'string', id: 22 },
  },
});
const protoBytes = proto.encode(wirePosition).finish();
const packr = new Packr({ structures: [], useRecords: true });
const msgpackBytes = packr.pack(wirePosition);

console.log(
  `\ntelemetry.positions wire format, one position: JSON ${jsonBytes.length} B, Avro ${avroBytes.length} B (with its 2-byte prefix), ` +
    `protobuf ${protoBytes.length} B, msgpackr records ${msgpackBytes.length} B`,
);
wireRate('produce, JSON.stringify + UTF-8 (before)', () => Buffer.from(JSON.stringify(wirePosition)));
wireRate('produce, Avro (encodeAll, validated at the edge)', () => encodeAll(TOPICS.positions, [{ key: 'V1', value: wirePosition }], { validated: true }));
wireRate('produce, protobufjs encode', () => proto.encode(wirePosition).finish());
wireRate('produce, msgpackr pack', () => packr.pack(wirePosition));
wireRate('consume, JSON: UTF-8 + JSON.parse + positionV1 zod (decodeValue)', () => decodeValue(TOPICS.positions, jsonBytes));
wireRate('consume, Avro + structural checks (decodeValue)', () => decodeValue(TOPICS.positions, avroBytes));
const avroType = avro.Type.forSchema(positionV1Avro as unknown as avro.Schema);
wireRate('consume, of which avsc decode alone', () => avroType.decode(avroBytes, 2));
wireRate('consume, protobufjs decode (no checks, no toObject)', () => proto.decode(protoBytes));
wireRate('consume, msgpackr unpack (no checks)', () => packr.unpack(msgpackBytes));
