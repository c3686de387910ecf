import { describe, expect, it } from 'vitest';
import { deliveryTargetsOf, routeAdmits, type DeliveryRoute } from './delivery-routing';

const route = (over: Partial<DeliveryRoute>): DeliveryRoute => ({
  routeId: 'r1',
  channel: 'webhook',
  target: 'https://a.example/hook',
  rules: [],
  enabled: true,
  ...over,
});
const fatigue = { rule: 'fatigue_continuous', severity: 'serious' } as const;
const speedingMinor = { rule: 'speeding', severity: 'minor' } as const;

describe('delivery routing per company by rule and severity', () => {
  it('no route: every alert to the registered webhook when there is one, else nowhere', () => {
    expect(deliveryTargetsOf([], 'https://a.example/hook', speedingMinor)).toEqual([{ channel: 'webhook', target: 'https://a.example/hook' }]);
    expect(deliveryTargetsOf([], undefined, fatigue)).toEqual([]);
    expect(deliveryTargetsOf([], '', fatigue)).toEqual([]);
  });

  it('the minimum severity is inclusive: serious admits serious and critical, not major', () => {
    const r = route({ minSeverity: 'serious' });
    expect(routeAdmits(r, { rule: 'speeding', severity: 'serious' })).toBe(true);
    expect(routeAdmits(r, { rule: 'speeding', severity: 'critical' })).toBe(true);
    expect(routeAdmits(r, { rule: 'speeding', severity: 'major' })).toBe(false);
    expect(routeAdmits(route({ minSeverity: 'info' }), { rule: 'drift', severity: 'info' })).toBe(true);
  });

  it('rules filter: only the named rules; empty = all', () => {
    const r = route({ rules: ['fatigue_continuous', 'fatigue_night'] });
    expect(routeAdmits(r, fatigue)).toBe(true);
    expect(routeAdmits(r, speedingMinor)).toBe(false);
    expect(routeAdmits(route({ rules: [] }), speedingMinor)).toBe(true);
  });

  it('routes replace the default: a company whose routes filter an alert out (or are disabled) gets nothing on the registered webhook', () => {
    expect(deliveryTargetsOf([route({ rules: ['overload'] })], 'https://registered.example/', fatigue)).toEqual([]);
    expect(deliveryTargetsOf([route({ enabled: false })], 'https://registered.example/', fatigue)).toEqual([]);
  });

  it('several routes: every admitting one, each target once, SMS beside the webhook', () => {
    const routes = [
      route({ routeId: 'w-all' }),
      route({ routeId: 'w-dup', minSeverity: 'major' }),
      route({ routeId: 's-severe', channel: 'sms', target: '+8613800000000', minSeverity: 'serious' }),
      route({ routeId: 's-other', channel: 'sms', target: '+8613900000000', rules: ['overload'] }),
    ];
    expect(deliveryTargetsOf(routes, undefined, fatigue)).toEqual([
      { channel: 'webhook', target: 'https://a.example/hook', routeId: 'w-all' },
      { channel: 'sms', target: '+8613800000000', routeId: 's-severe' },
    ]);
    expect(deliveryTargetsOf(routes, undefined, speedingMinor)).toEqual([{ channel: 'webhook', target: 'https://a.example/hook', routeId: 'w-all' }]);
  });
});
