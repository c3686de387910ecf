import { afterAll, describe, expect, it } from 'vitest';
import { ownerAdmits, ownerScopeSql, vehicleRecordOwner, type Owner, type OwnerScope } from './owner';
import { createPool } from './pool';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://roadwatch:roadwatch@127.0.0.1:5432/roadwatch';

/** Owners with the awkward values: none, LIKE wildcards and escapes, non-ASCII, a prefix of another. */
const OWNERS: Array<Owner & { id: string }> = [
  { id: 'gz', companyId: 'C1', regionCode: '440106' },
  { id: 'sz', companyId: 'C2', regionCode: '440305' },
  { id: 'hb', companyId: 'C1', regionCode: '130102' },
  { id: 'short', companyId: 'C3', regionCode: '44' },
  { id: 'no-region', companyId: 'C1' },
  { id: 'no-company', regionCode: '440199' },
  { id: 'nothing' },
  { id: 'percent', companyId: '%', regionCode: '4%' },
  { id: 'underscore', companyId: 'C_1', regionCode: '4_01' },
  { id: 'backslash', companyId: 'C\\1', regionCode: '44\\0' },
  { id: 'unicode', companyId: '公司一', regionCode: '４４' },
];

const SCOPES: OwnerScope[] = [
  {},
  { regionPrefix: '44' },
  { regionPrefix: '4401' },
  { regionPrefix: '440106' },
  { regionPrefix: '4401061' },
  { regionPrefix: '4%' },
  { regionPrefix: '4_' },
  { regionPrefix: '44\\' },
  { regionPrefix: '４' },
  { companyId: 'C1' },
  { companyId: '%' },
  { companyId: 'C_1' },
  { companyId: 'C\\1' },
  { companyId: '公司一' },
  { companyId: 'C1', regionPrefix: '13' },
];

describe('ownerScopeSql on PostgreSQL and ownerAdmits in memory admit the same owners', () => {
  const pool = createPool(DATABASE_URL, { max: 1 });
  afterAll(() => pool.end());

  it('for every scope and owner, odd bytes included (a wildcard in a claim matches only itself)', async () => {
    const differing: string[] = [];
    for (const scope of SCOPES) {
      const params: unknown[] = [JSON.stringify(OWNERS)];
      const where = ownerScopeSql(scope, { companyId: 'o."companyId"', regionCode: 'o."regionCode"' }, params);
      const { rows } = await pool.query<{ id: string }>(
        `SELECT o.id FROM json_to_recordset($1::json) AS o(id text, "companyId" text, "regionCode" text) WHERE ${where}`,
        params,
      );
      const bySql = rows.map((r) => r.id).sort();
      const inMemory = OWNERS.filter((o) => ownerAdmits(scope, o))
        .map((o) => o.id)
        .sort();
      if (JSON.stringify(bySql) !== JSON.stringify(inMemory))
        differing.push(`${JSON.stringify(scope)}: SQL ${JSON.stringify(bySql)}, memory ${JSON.stringify(inMemory)}`);
    }
    expect(differing).toEqual([]);
    // And what they agree on is the rule: a prefix of the region code, the whole company id.
    expect(OWNERS.filter((o) => ownerAdmits({ regionPrefix: '4401' }, o)).map((o) => o.id)).toEqual(['gz', 'no-company']);
    expect(OWNERS.filter((o) => ownerAdmits({ regionPrefix: '4%' }, o)).map((o) => o.id)).toEqual(['percent']);
    expect(OWNERS.filter((o) => ownerAdmits({ companyId: 'C1' }, o)).map((o) => o.id)).toEqual(['gz', 'hb', 'no-region']);
  });

  it('a record takes the registry owner field by field, the copy filling what the registry lacks', () => {
    expect(vehicleRecordOwner({ companyId: 'CD' }, { companyId: 'CB', regionCode: '440111' })).toEqual({ companyId: 'CD', regionCode: '440111' });
    expect(vehicleRecordOwner({}, { companyId: 'CB', regionCode: '440199' })).toEqual({ companyId: 'CB', regionCode: '440199' });
    expect(vehicleRecordOwner({ companyId: 'CA', regionCode: '440104' }, { companyId: 'CC', regionCode: '440305' })).toEqual({
      companyId: 'CA',
      regionCode: '440104',
    });
  });
});
