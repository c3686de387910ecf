// Contract parsing micro-benchmark: how much the safe-string check (no NUL, control
// character or unpaired surrogate in any string) costs per message. Messages per second on
// one core, for a position and a WIM station record, valid (the common case) and poisoned.
// Run: npx tsx loadtests/contracts-parse.bench.ts
// Prints figures; it asserts nothing and is not part of the test suite.
import { positionV1, unsafeCharacterIn, wimStationRecordV1 } from '../libs/contracts/src/index.js';
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
