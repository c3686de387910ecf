import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { chinaLocalToEpochMs, type VehicleFacts } from '@roadwatch/domain';
import type { AlertV1 } from '@roadwatch/contracts';
import { limitAt } from '@roadwatch/rules';
import { positionOf, straightReports } from '../../test/support/positions';
import { libsPositionRules, loadRoadIndex } from './libs-position-rules';

const hazmatIn = (regionCode: string, n: number): VehicleFacts => ({
  vehicleId: `冀E1000${n}:2`,
  plate: `冀E1000${n}`,
  plateColour: 2,
  vehicleClass: 'hazmat',
  regionCode,
});

/** 20 min of driving from 00:30 local, one report per 30 s. */
const drive = (facts: VehicleFacts): AlertV1[] => {
  const rules = libsPositionRules({
    overridesByRegion: {
      // 河北 holds hazmat vehicles to 40 km/h off the expressways (a provincial override of RULES.md §1's cap).
      '13': { speeding: { hazmatOtherRoadCapKmh: 40 } },
    },
  });
  let state: unknown;
  const alerts: AlertV1[] = [];
  for (const report of straightReports(facts.vehicleId, '13800000001', chinaLocalToEpochMs(2026, 11, 24, 0, 30), 40, 60)) {
    const result = rules.process(facts, state, positionOf(report), report.deviceTimeMs + 500);
    state = result.state;
    alerts.push(...result.alerts);
  }
  return alerts;
};

describe("the detector's rules apply per-region overrides by the vehicle's 行政区划代码", () => {
  it("a hazmat vehicle registered in a 河北 county is held to the province's cap; one in 北京 is not", () => {
    expect(drive(hazmatIn('130102', 1)).filter((a) => a.rule === 'speeding')).not.toHaveLength(0);
    expect(drive(hazmatIn('110105', 2)).filter((a) => a.rule === 'speeding')).toHaveLength(0);
  });
});

describe('the road file (ROADS_GEOJSON_FILE)', () => {
  it('a feature larger than a speed zone may be is left out with a warning naming it and the file; the rest loads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'roads-'));
    try {
      const sample = JSON.parse(readFileSync(new URL('../../../../libs/rules/data/sample-roads.geojson', import.meta.url), 'utf8'));
      const chinaWide = {
        type: 'Feature',
        properties: { segmentId: '全国-限速', roadClass: 'other', postedLimitKmh: 30 },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [73.6, 18.2],
              [134.9, 18.2],
              [134.9, 53.5],
              [73.6, 53.5],
              [73.6, 18.2],
            ],
          ],
        },
      };
      const path = join(dir, 'roads.geojson');
      writeFileSync(path, JSON.stringify({ ...sample, features: [chinaWide, ...sample.features] }));
      const warnings: Array<{ segmentId?: string; source?: string; msg: string }> = [];
      const index = loadRoadIndex(path, undefined, pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line)) }));
      expect(warnings).toEqual([
        expect.objectContaining({
          segmentId: '全国-限速',
          source: path,
          msg: expect.stringMatching(
            /^road data: 全国-限速 from .*roads\.geojson left out of the road index: a speed zone spans at most 5°.*61\.30° × 35\.30°$/,
          ),
        }),
      ]);
      // Inside the would-be zone, off every other feature: the unmapped reading, not 30.
      expect(limitAt(index, 30, 100).segmentId).toBe('unmatched');
      expect(limitAt(index, 39.69, 116.13).segmentId).toBe('G4-beijing-zhuozhou');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
