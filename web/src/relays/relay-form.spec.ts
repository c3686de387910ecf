import { describe, expect, it } from 'vitest';
import { addDays, defaultRelayRange, relayFieldOf, relayIssueKeyOf, relayRangeOf, relayRequestOf, tonightOf, type RelayForm } from './relay-form';

/** Milliseconds of a Shanghai wall-clock time (GMT+8). */
const shanghai = (y: number, mo: number, d: number, hh: number, mm = 0): number => Date.UTC(y, mo - 1, d, hh - 8, mm);

const form = (over: Partial<RelayForm> = {}): RelayForm => ({
  vehicleId: 'V1',
  nightDate: '2026-11-25',
  relayPoint: ' 京港澳高速 涿州服务区 ',
  handingOverDriver: '张师傅',
  takingOverDriver: '李师傅',
  latitudeDeg: '',
  longitudeDeg: '',
  ...over,
});

describe('relay nights', () => {
  it('tonight is today’s date until the 02:00–05:00 window is over, tomorrow’s after it (China time)', () => {
    expect(tonightOf(shanghai(2026, 11, 25, 1, 30))).toBe('2026-11-25');
    expect(tonightOf(shanghai(2026, 11, 25, 4, 59))).toBe('2026-11-25');
    expect(tonightOf(shanghai(2026, 11, 25, 5, 0))).toBe('2026-11-26');
    // 08:51 in Shanghai is 00:51 UTC: the browser's zone plays no part.
    expect(tonightOf(Date.UTC(2026, 10, 24, 0, 51))).toBe('2026-11-25');
    expect(tonightOf(shanghai(2026, 12, 31, 23, 0))).toBe('2027-01-01');
  });

  it('lists tonight and the next seven nights by default, across a month’s end', () => {
    expect(defaultRelayRange(shanghai(2026, 11, 24, 20))).toEqual({ fromDate: '2026-11-25', toDate: '2026-12-02' });
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });

  it('refuses a range that ends before it starts, or dates that do not exist', () => {
    expect(relayRangeOf('2026-11-25', '2026-11-25')).toEqual({ ok: true, fromDate: '2026-11-25', toDate: '2026-11-25' });
    expect(relayRangeOf('2026-11-26', '2026-11-25')).toEqual({ ok: false, error: 'order' });
    expect(relayRangeOf('2026-02-30', '2026-03-01')).toEqual({ ok: false, error: 'invalid' });
    expect(relayRangeOf('', '2026-03-01')).toEqual({ ok: false, error: 'invalid' });
  });
});

describe('relay form → request', () => {
  it('trims the texts and leaves out coordinates not given', () => {
    expect(relayRequestOf(form())).toEqual({
      ok: true,
      request: { vehicleId: 'V1', nightDate: '2026-11-25', relayPoint: '京港澳高速 涿州服务区', handingOverDriver: '张师傅', takingOverDriver: '李师傅' },
    });
  });

  it('sends the coordinates as numbers, both or neither', () => {
    expect(relayRequestOf(form({ latitudeDeg: '39.4866', longitudeDeg: ' 115.9741 ' }))).toMatchObject({
      ok: true,
      request: { latitudeDeg: 39.4866, longitudeDeg: 115.9741 },
    });
    const one = relayRequestOf(form({ latitudeDeg: '39.4866' }));
    expect(one.ok).toBe(false);
    if (!one.ok) expect(one.issues.map((i) => i.field)).toEqual(['longitudeDeg']);
    const outside = relayRequestOf(form({ latitudeDeg: '60', longitudeDeg: '115.9' }));
    expect(outside.ok).toBe(false);
    if (!outside.ok) expect(outside.issues.map((i) => i.field)).toEqual(['latitudeDeg']);
  });

  it('names each missing field, and a taking-over driver who is the same driver', () => {
    const empty = relayRequestOf(form({ vehicleId: '', nightDate: '', relayPoint: '  ', handingOverDriver: '' }));
    expect(empty.ok).toBe(false);
    if (!empty.ok) expect([...new Set(empty.issues.map((i) => i.field))].sort()).toEqual(['handingOverDriver', 'nightDate', 'relayPoint', 'vehicleId']);
    const same = relayRequestOf(form({ takingOverDriver: '张师傅' }));
    expect(same).toMatchObject({ ok: false, issues: [{ field: 'takingOverDriver' }] });
    expect(relayRequestOf(form({ nightDate: '2026-02-30' }))).toMatchObject({ ok: false, issues: [{ field: 'nightDate' }] });
  });

  it('finds the form field of the API’s issues (`body.`-prefixed) and of the contract’s; none for the rest', () => {
    expect(relayFieldOf({ field: 'body.nightDate', message: 'the night is over' })).toBe('nightDate');
    expect(relayFieldOf({ field: 'takingOverDriver', message: 'x' })).toBe('takingOverDriver');
    expect(relayFieldOf({ field: 'body', message: 'x' })).toBeUndefined();
    expect(relayFieldOf({ field: '(root)', message: 'x' })).toBeUndefined();
  });

  it('puts the contract’s issues in the user’s words from what the form holds', () => {
    expect(relayIssueKeyOf('relayPoint', form({ relayPoint: ' ' }))).toBe('relay.issueRequired');
    expect(relayIssueKeyOf('vehicleId', form({ vehicleId: '' }))).toBe('relay.issueRequired');
    expect(relayIssueKeyOf('takingOverDriver', form({ takingOverDriver: ' 张师傅' }))).toBe('relay.issueSameDriver');
    expect(relayIssueKeyOf('nightDate', form({ nightDate: '2026-02-30' }))).toBe('relay.issueDate');
    // The pair's refinement lands on longitudeDeg whichever is missing.
    expect(relayIssueKeyOf('longitudeDeg', form({ latitudeDeg: '39.5' }))).toBe('relay.issueBothCoordinates');
    expect(relayIssueKeyOf('longitudeDeg', form({ longitudeDeg: '115.9' }))).toBe('relay.issueBothCoordinates');
    expect(relayIssueKeyOf('latitudeDeg', form({ latitudeDeg: '60', longitudeDeg: '115.9' }))).toBe('relay.issueCoordinate');
    expect(relayIssueKeyOf('relayPoint', form())).toBeUndefined();
  });
});
