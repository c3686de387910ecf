import { traceSource, type SourceTraceResult } from '@roadwatch/rules';
import { describe, expect, it } from 'vitest';
import { siteTraceRecordOf, type SiteTraceSubject } from './site-weighings';

const subject: SiteTraceSubject = {
  traceId: 'entrance:m-1',
  triggerKind: 'entrance_refusal',
  measurementId: 'm-1',
  vehicleId: 'v-冀B12345',
  plate: '冀B12345',
  plateColour: 2,
  regionCode: '130100',
  weighedAtMs: Date.UTC(2026, 5, 1, 2, 0, 0),
};

/** A grade-A answer naming site-7 and its company: the rule's own answer over an empty track, the findings set over it. */
const result = (over: Partial<SourceTraceResult> = {}): SourceTraceResult => ({
  ...traceSource({
    track: [],
    weighing: { stationId: 'wim-1', measuredAtMs: subject.weighedAtMs, plate: subject.plate, plateColour: subject.plateColour },
    sites: [],
  }),
  grade: 'A',
  siteId: 'site-7',
  proposedCompanyId: 'co-9',
  candidateSites: [
    { siteId: 'site-7', relation: 'at' },
    { siteId: 'site-3', relation: 'near' },
  ],
  ...over,
});

describe('siteTraceRecordOf: the source_traces row of a site weighing', () => {
  it('takes who and what from the weighing and grade, site, company and candidates (in order) from the rule', () => {
    const answer = result();
    expect(siteTraceRecordOf(subject, answer)).toEqual({
      ...subject,
      grade: 'A',
      sourceSiteId: 'site-7',
      sourceCompanyId: 'co-9',
      candidateSiteIds: ['site-7', 'site-3'],
      result: answer,
    });
  });

  it('leaves out the region, site and company it does not know rather than storing undefined or null', () => {
    const row = siteTraceRecordOf({ ...subject, regionCode: undefined }, result({ grade: 'C', siteId: null, proposedCompanyId: null, candidateSites: [] }));
    expect(row).not.toHaveProperty('regionCode');
    expect(row).not.toHaveProperty('sourceSiteId');
    expect(row).not.toHaveProperty('sourceCompanyId');
    expect(row.candidateSiteIds).toEqual([]);
    expect(row.grade).toBe('C');
  });

  it('keeps the result as given to store (an exit trace adds its 第71条 outcome) while the columns still come from the rule', () => {
    const answer = result({ grade: 'B', proposedCompanyId: null });
    const stored = { ...answer, article71Outcome: 'departure_not_seen' };
    const row = siteTraceRecordOf({ ...subject, traceId: 'exit:r-1', triggerKind: 'exit_over_limit', measurementId: 'r-1' }, answer, stored);
    expect(row.result).toBe(stored);
    expect(row.grade).toBe('B');
    expect(row.sourceSiteId).toBe('site-7');
    expect(row).not.toHaveProperty('sourceCompanyId');
    expect(row.triggerKind).toBe('exit_over_limit');
  });
});
