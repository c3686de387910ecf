import type { AlertV1 } from '@roadwatch/contracts';

/** A schema-valid first revision of a speeding violation, raised a second after it started; override what the test is about. */
export const anAlert = (overrides: Partial<AlertV1> = {}): AlertV1 => {
  const startedAtMs = overrides.startedAtMs ?? Date.UTC(2026, 10, 23, 0, 0, 0);
  return {
    v: 1,
    alertId: 'alert-1',
    revision: 0,
    vehicleId: '京A12345:2',
    plate: '京A12345',
    companyId: 'C1',
    rule: 'speeding',
    level: 'violation',
    severity: 'major',
    startedAtMs,
    raisedAtMs: startedAtMs + 1_000,
    summary: '超速',
    details: {},
    evidence: {},
    ...overrides,
  };
};
