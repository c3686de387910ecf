/**
 * The embedded default's registered blind area (RULES §12, §15): a tunnel on G4 south of the
 * demo WIM station — a gap through it is no tampering indicator. A circle of `radiusM` around the point.
 */
export const DEMO_BLIND_AREAS = [
  {
    blindAreaId: 'BA-DEMO-G4-TUNNEL',
    name: 'G4 京港澳高速 大石河隧道（演示）',
    kind: 'tunnel' as const,
    regionCode: '110111',
    latitudeDeg: 39.62,
    longitudeDeg: 116.1,
    radiusM: 600,
  },
];
