import { describe, expect, it } from 'vitest';
import { deliveryAttemptItem, deliveryItem } from './delivery.schema';

const head = { deliveryId: '42', alertId: 'a-1', revision: 1, companyId: 'co-1', channel: 'webhook' as const, target: 'https://hooks.example.cn/rw' };
const delivery = { ...head, rule: 'speeding', severity: 'major', state: 'pending' as const, attempts: 0, createdAtMs: Date.UTC(2026, 0, 1) };
const attempt = { attemptId: '7', ...head, attemptNo: 1, atMs: Date.UTC(2026, 0, 1), outcome: 'failed' as const, durationMs: 120 };

describe('a delivery and its attempts carry the same head: alert, revision, company, channel, target', () => {
  it('both read the head alike', () => {
    expect(deliveryItem.safeParse(delivery).success).toBe(true);
    expect(deliveryAttemptItem.safeParse(attempt).success).toBe(true);
    expect(Object.keys(deliveryItem.shape).slice(0, 6)).toEqual(Object.keys(head));
    expect(Object.keys(deliveryAttemptItem.shape).slice(0, 7)).toEqual(['attemptId', ...Object.keys(head)]);
  });

  it('both refuse the same bad head — an unknown channel, a fractional revision, a control character in the target', () => {
    for (const bad of [{ channel: 'fax' }, { revision: 1.5 }, { target: 'https://x\u0000y' }, { alertId: undefined }]) {
      expect(deliveryItem.safeParse({ ...delivery, ...bad }).success).toBe(false);
      expect(deliveryAttemptItem.safeParse({ ...attempt, ...bad }).success).toBe(false);
    }
  });
});
