import { describe, expect, it } from 'vitest';
import { keySupervisionDensitySchema } from '@roadwatch/contracts';
import { keySupervisionDensityOf } from './density';

describe('keySupervisionDensityOf', () => {
  it('counts each listing at its province and prefecture; a province-only or odd code counts where it can, or nowhere', () => {
    const rows = keySupervisionDensityOf([
      { subjectKind: 'vehicle', regionCode: '440106' },
      { subjectKind: 'vehicle', regionCode: '440305' },
      { subjectKind: 'company', regionCode: '440106' },
      { subjectKind: 'vehicle', regionCode: '110000' },
      { subjectKind: 'vehicle', regionCode: '13' },
      { subjectKind: 'vehicle', regionCode: undefined },
      { subjectKind: 'vehicle', regionCode: '4%' },
    ]);
    expect(rows).toEqual([
      { regionCode: '110000', level: 'province', vehicles: 1, companies: 0 },
      { regionCode: '130000', level: 'province', vehicles: 1, companies: 0 },
      { regionCode: '440000', level: 'province', vehicles: 2, companies: 1 },
      { regionCode: '440100', level: 'prefecture', vehicles: 1, companies: 1 },
      { regionCode: '440300', level: 'prefecture', vehicles: 1, companies: 0 },
    ]);
    expect(keySupervisionDensitySchema.parse({ regions: rows, asOfMs: 0 }).regions).toHaveLength(5);
  });
});
