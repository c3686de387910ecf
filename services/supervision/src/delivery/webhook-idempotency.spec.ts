import { describe, expect, it } from 'vitest';
import { webhookIdempotencyKeyOf } from './webhook-signature';

// A real alert id: rule|level|vehicle id (with the plate)|start.
const REAL_ALERT_ID = 'fatigue_continuous|violation|v:京A10000:2|1796428800000';

describe('webhook idempotency key: `<alertId>:<revision>`, the alert id percent-encoded', () => {
  it('is a valid HTTP header value for an alert id holding a Chinese plate (raw, fetch refused to send it)', () => {
    const key = webhookIdempotencyKeyOf(REAL_ALERT_ID, 3);
    expect(() => new Headers({ 'idempotency-key': key })).not.toThrow();
    expect(key).toMatch(/^[\x21-\x7e]+$/);
    expect(key).toBe('fatigue_continuous%7Cviolation%7Cv%3A%E4%BA%ACA10000%3A2%7C1796428800000:3');
    // The raw id is what fetch cannot send.
    expect(() => new Headers({ 'idempotency-key': `${REAL_ALERT_ID}:3` })).toThrow();
  });

  it('gives the alert id back, keeps ASCII ids as they are, differs per revision and is stable across calls', () => {
    const key = webhookIdempotencyKeyOf(REAL_ALERT_ID, 0);
    expect(decodeURIComponent(key.slice(0, key.lastIndexOf(':')))).toBe(REAL_ALERT_ID);
    expect(webhookIdempotencyKeyOf('fatigue-A-1', 0)).toBe('fatigue-A-1:0');
    expect(webhookIdempotencyKeyOf(REAL_ALERT_ID, 1)).not.toBe(key);
    expect(webhookIdempotencyKeyOf(REAL_ALERT_ID, 0)).toBe(key);
    // Odd bytes: a lone surrogate cannot be encoded — refused loudly rather than sent mangled.
    expect(() => webhookIdempotencyKeyOf('a\ud800b', 0)).toThrow(URIError);
  });
});
