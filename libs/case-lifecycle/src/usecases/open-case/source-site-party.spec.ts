import { describe, expect, it } from 'vitest';
import { sourceSitePartyOf } from './propose-case';

describe('sourceSitePartyOf: the 货运源头单位 a case names from its loading site', () => {
  it('names the site’s company, keeps the site, and carries what the registry knows', () => {
    expect(
      sourceSitePartyOf({
        sourceSiteId: 'site-7',
        name: '石家庄鹿泉砂石料场',
        companyId: 'co-9',
        companyName: '鹿泉建材有限公司',
        licenceNo: '130185000001',
        regionCode: '130185',
        address: '鹿泉区上庄镇',
      }),
    ).toEqual({
      identified: true,
      partyRef: 'site-7',
      name: '鹿泉建材有限公司',
      site: '石家庄鹿泉砂石料场',
      companyId: 'co-9',
      licenceNo: '130185000001',
      address: '鹿泉区上庄镇',
    });
  });

  it('a site with no company is named by itself; empty or missing registry fields are left out, never stored empty', () => {
    const party = sourceSitePartyOf({ sourceSiteId: 'site-3', name: 'Unregistered pit 3', companyId: '', licenceNo: '', address: '' });
    expect(party).toEqual({ identified: true, partyRef: 'site-3', name: 'Unregistered pit 3', site: 'Unregistered pit 3' });
    expect(Object.keys(party)).toEqual(['identified', 'partyRef', 'name', 'site']);
  });
});
