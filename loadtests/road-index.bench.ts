/**
 * The road index's cost, printed (not a test). Run: `npx tsx loadtests/road-index.bench.ts`
 * Env: BENCH_ZONES (2000 synthetic zones), BENCH_ZONE_POINTS (200 points each),
 * BENCH_LOOKUPS (200000), BENCH_CHINA_WIDE (1: also the five-point zone across China of issue
 * #10 item 9 — under the former bounding-box grid this alone took ~2 GB and tens of seconds).
 *
 * Per case: the build's wall and CPU time, the heap the index keeps (after forced GCs), its
 * entries, and lookups (`limitAt`) per second and CPU-µs per lookup, half at positions on the
 * roads and half anywhere in China. Uses only `buildRoadIndex` / `limitAt`, so the same file
 * measures an earlier index too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { buildRoadIndex, DEFAULT_RULES_CONFIG, limitAt } from '@roadwatch/rules';
import { recordOutput } from './perf-doc';

// `--record`: what this bench prints becomes its section of docs/performance.md.
recordOutput('road-index');

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapBytes = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
};

const ZONES = Number(process.env['BENCH_ZONES'] ?? 2_000);
const ZONE_POINTS = Number(process.env['BENCH_ZONE_POINTS'] ?? 200);
const LOOKUPS = Number(process.env['BENCH_LOOKUPS'] ?? 200_000);
const CHINA_WIDE = process.env['BENCH_CHINA_WIDE'] === '1';

// Deterministic (mulberry32), so runs compare.
const randomFrom = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};
const random = randomFrom(42);
type Position = [number, number];

const sample = JSON.parse(readFileSync(join(import.meta.dirname, '../libs/rules/data/sample-roads.geojson'), 'utf8')) as { features: unknown[] };
const line = (segmentId: string, coordinates: Position[]) => ({
  type: 'Feature',
  properties: { segmentId, roadClass: 'national', postedLimitKmh: 80 },
  geometry: { type: 'LineString', coordinates },
});

// A national network: roads as random walks of 100–900 m steps in eastern China, like surveyed polylines.
const network = Array.from({ length: ZONES }, (_, z) => {
  let lon = 100 + random() * 22,
    lat = 22 + random() * 18,
    headingRad = random() * 2 * Math.PI;
  const points: Position[] = [];
  for (let i = 0; i < ZONE_POINTS; i++) {
    points.push([lon, lat]);
    headingRad += (random() - 0.5) * 0.6;
    const stepM = 100 + random() * 800;
    lat += (Math.sin(headingRad) * stepM) / 111_195;
    lon += (Math.cos(headingRad) * stepM) / (111_195 * Math.cos((lat * Math.PI) / 180));
  }
  return line(`net-${z}`, points);
});
const networkPoints = network.flatMap((f) => f.geometry.coordinates);

const cases: Array<{ name: string; features: unknown[]; onRoad: Position[] }> = [
  {
    name: 'sample file',
    features: sample.features,
    onRoad: [
      [116.13, 39.69],
      [116.4, 39.92],
      [116.36, 39.965],
      [116.08, 39.68],
    ],
  },
  {
    name: 'sample + one 5° × 5° five-point zone (the bound)',
    features: [
      ...sample.features,
      line('wide', [
        [110, 30],
        [115, 35],
        [110, 35],
        [115, 30],
        [112.5, 32.5],
      ]),
    ],
    onRoad: [
      [112.5, 32.5],
      [111, 31],
    ],
  },
  { name: `sample + ${ZONES.toLocaleString('en-US')} zones × ${ZONE_POINTS} points`, features: [...sample.features, ...network], onRoad: networkPoints },
  ...(CHINA_WIDE
    ? [
        {
          name: 'sample + one five-point zone across China',
          features: [
            ...sample.features,
            line('china-wide', [
              [73.6, 18.2],
              [134.9, 18.2],
              [134.9, 53.5],
              [73.6, 53.5],
              [73.6, 18.2],
            ]),
          ],
          onRoad: [[100, 18.2] as Position],
        },
      ]
    : []),
];

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

// One case in a function of its own, so its index is garbage once it returns and the next case's heap starts clean.
const measure = (c: (typeof cases)[number]): string[] => {
  const probes: Position[] = Array.from({ length: LOOKUPS }, (_, i) =>
    i % 2 === 0 ? (c.onRoad[Math.floor(random() * c.onRoad.length)] as Position) : [73.6 + random() * 61.4, 18.2 + random() * 35.3],
  );
  const before = heapBytes();
  const wallStart = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const index = buildRoadIndex({ type: 'FeatureCollection', features: c.features }, DEFAULT_RULES_CONFIG.roads);
  const buildCpu = process.cpuUsage(cpuStart);
  const buildMs = Number(process.hrtime.bigint() - wallStart) / 1e6;
  const heldMb = (heapBytes() - before) / 1_048_576;
  let matched = 0;
  const lookupStart = process.hrtime.bigint();
  const lookupCpuStart = process.cpuUsage();
  for (const [lon, lat] of probes) if (limitAt(index, lat, lon).segmentId !== 'unmatched') matched++;
  const lookupCpu = process.cpuUsage(lookupCpuStart);
  const lookupS = Number(process.hrtime.bigint() - lookupStart) / 1e9;
  // The tree's entries; an earlier grid index shows its cell count instead.
  const entries = (index as { entryCount?: number }).entryCount ?? (Reflect.get(index, 'cells') as Map<unknown, unknown> | undefined)?.size;
  const skipped = (index as { skipped?: readonly unknown[] }).skipped?.length ?? 0;
  return [
    `  ${c.name}`,
    `    build    ${buildMs.toFixed(1)} ms wall, ${((buildCpu.user + buildCpu.system) / 1000).toFixed(1)} ms CPU; heap held ${heldMb.toFixed(1)} MB; ${fmt(entries ?? 0)} entries; ${skipped} feature(s) left out`,
    `    lookups  ${fmt(LOOKUPS / lookupS)}/s wall, ${((lookupCpu.user + lookupCpu.system) / LOOKUPS).toFixed(2)} CPU-µs per lookup; ${fmt(matched)} matched`,
  ];
};

console.log(`road-index.bench: ${fmt(LOOKUPS)} lookups per case (half on a road, half anywhere in China), Node ${process.version}`);
for (const c of cases) console.log(measure(c).join('\n'));
