// JT/T 808 codec micro-benchmark: frames per second on one core (this process is single
// threaded). Run: npx tsx loadtests/jt808-codec.bench.ts
// Prints figures; it asserts nothing and is not part of the test suite.
import { Jt808StreamDecoder, decodeFrame, encodeFrame, encodeMessage, hexToBytes, type LocationReport } from '../libs/jt808/src/index.js';
import { recordOutput } from './perf-doc';

// `--record`: what this bench prints becomes its section of docs/performance.md.
recordOutput('jt808-codec');

// A real terminal's 0x0200 with items 0x01 0x03 0x25 0x30 0x31 and vendor items (Traccar fixture).
const REAL_0200 = hexToBytes(
  '7E02000053200002604323004800000000000C00000158B91406CB7007006B00000000220512101138010400000F2803020000250400000000300114310100E30100D50E0100026043232795980277530030E50400000000E7020FC8E8020E83AB7E',
);
// A real 8-position blind-area 0x0704 (Traccar fixture).
const REAL_0704 = hexToBytes(
  '7E0704014301356777777707F5000801002600000000000000030159741206CBFD5001720000000116052709062401040000001D03020000002600000000000000030159746606CBFD50016B0000000116052709065301040000001D0302000000260000000000000003015975E406CBFE58013F0000000116052709072701040000001D0302000000260000000000000003015976DE06CBFF10012E0000000116052709075601040000001D0302000000260000000000000003015976BC06CBFED0012D0000000116052709083001040000001D0302000000260000000000000003015976FE06CBFEC001080000000116052709090001040000001D0302000000260000000000000003015976FE06CBFE7800FC0000000116052709093301040000001D0302000000260000000000000003015977A606CBFF3001080000000116052709100201040000001D030200001F7E',
);

const report: LocationReport = {
  alarmFlags: 0b10,
  alarms: {} as never,
  statusFlags: 0b11 | (1 << 18) | (1 << 19),
  status: {} as never,
  latitudeDeg: 39.908722,
  longitudeDeg: 116.397499,
  altitudeM: 52,
  speedKmh: 87.5,
  directionDeg: 270,
  deviceTimeMs: Date.UTC(2024, 4, 17, 6, 30, 15),
  items: [
    { type: 'mileage', id: 0x01, mileageKm: 123456.7 },
    { type: 'fuel', id: 0x02, fuelL: 310.5 },
    { type: 'recorder-speed', id: 0x03, recorderSpeedKmh: 86 },
    { type: 'overspeed', id: 0x11, locationType: 1, areaId: 7 },
    { type: 'vehicle-signals', id: 0x25, flags: 0x13, signals: {} as never },
    { type: 'io-status', id: 0x2a, flags: 0, deepSleep: false, sleep: false },
    { type: 'signal-strength', id: 0x30, signalStrength: 28 },
    { type: 'satellites', id: 0x31, satellites: 14 },
  ],
};
const header = { messageId: 0x0200 as const, terminalPhone: '13912345678', serial: 1 };
const GENERATED_0200 = encodeFrame(header, report);
const decoded0704 = decodeFrame(REAL_0704);

function bench(name: string, run: () => unknown, unitsPerRun = 1, unit = 'frames'): void {
  for (let i = 0; i < 20_000; i += 1) run(); // warm-up for the JIT
  let runs = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < 1500) {
    for (let i = 0; i < 1000; i += 1) run();
    runs += 1000;
    elapsed = performance.now() - start;
  }
  const perSecond = (runs * unitsPerRun) / (elapsed / 1000);
  console.log(
    `${name.padEnd(58)} ${Math.round(perSecond).toLocaleString('en-US').padStart(12)} ${unit}/s  (${((elapsed * 1e6) / runs / unitsPerRun).toFixed(0)} ns each)`,
  );
}

console.log(`JT/T 808 codec, one core, Node ${process.version}`);
console.log(`0x0200 real: ${REAL_0200.length} B, generated: ${GENERATED_0200.length} B; 0x0704 real: ${REAL_0704.length} B with 8 positions`);
bench('decode 0x0200 (real terminal frame, 5 std + 6 vendor items)', () => decodeFrame(REAL_0200));
bench('decode 0x0200 (real terminal frame), lenient', () => decodeFrame(REAL_0200, { lenient: true }));
bench('decode 0x0200 (generated, 8 typed items)', () => decodeFrame(GENERATED_0200));
bench('encode 0x0200 (8 typed items)', () => encodeFrame(header, report));
bench(
  're-encode decoded 0x0200 (real frame)',
  (() => {
    const message = decodeFrame(REAL_0200);
    return () => encodeMessage(message);
  })(),
);
bench('decode 0x0704 batch (8 positions) — frames', () => decodeFrame(REAL_0704));
bench('decode 0x0704 batch (8 positions) — positions', () => decodeFrame(REAL_0704), 8, 'positions');
bench('encode 0x0704 batch (8 positions)', () => encodeMessage(decoded0704));

// Stream path: 100 frames concatenated, pushed in 1460-byte (TCP MSS) chunks.
const stream = Buffer.concat(Array.from({ length: 100 }, () => Buffer.from(REAL_0200)));
bench(
  'stream decoder: de-frame + decode 0x0200 in 1460 B chunks',
  () => {
    const decoder = new Jt808StreamDecoder();
    for (let at = 0; at < stream.length; at += 1460) decoder.push(stream.subarray(at, at + 1460), 0);
  },
  100,
);
bench(
  'stream decoder, lenient (the gateway default): same stream',
  () => {
    const decoder = new Jt808StreamDecoder({ lenient: true });
    for (let at = 0; at < stream.length; at += 1460) decoder.push(stream.subarray(at, at + 1460), 0);
  },
  100,
);
