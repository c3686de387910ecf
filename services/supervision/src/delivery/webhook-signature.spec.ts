import { describe, expect, it } from 'vitest';
import { verifyWebhookSignature, webhookSignatureOf } from './webhook-signature';

// Vectors computed outside this code: `printf '%s' '<timestamp>.<body>' | openssl dgst -sha256 -hmac '<secret>'`.
const SECRET = 'whsec_test';
const BODY = '{"kind":"alert","alertId":"a-1","revision":2,"summary":"疲劳驾驶"}';

describe('webhook signature: HMAC-SHA256 over "<timestamp>.<body>"', () => {
  it('matches the openssl vectors, UTF-8 body and empty body alike', () => {
    expect(webhookSignatureOf(SECRET, '1700000000', BODY)).toBe('sha256=e6857dde97e345be79b738d26ee871f67861eb11ecc6a3ec4c5ef1d4fa9435fe');
    expect(webhookSignatureOf(SECRET, '1700000000', Buffer.from(BODY, 'utf8'))).toBe('sha256=e6857dde97e345be79b738d26ee871f67861eb11ecc6a3ec4c5ef1d4fa9435fe');
    expect(webhookSignatureOf(SECRET, '1700000000', '')).toBe('sha256=5967f3c560522fa40cf2876ebc3c3a08551dd6959aaade3b413460591895bdcc');
  });

  it('verifies within the tolerance; refuses another secret, a changed body, a moved timestamp, a stale or future one, odd headers', () => {
    const signature = webhookSignatureOf(SECRET, '1700000000', BODY);
    const ok = (over: Partial<{ secret: string; timestamp: string | undefined; signature: string | undefined; body: string; nowS: number }>) =>
      verifyWebhookSignature(
        over.secret ?? SECRET,
        { timestamp: 'timestamp' in over ? over.timestamp : '1700000000', signature: 'signature' in over ? over.signature : signature },
        over.body ?? BODY,
        over.nowS ?? 1_700_000_100,
      );
    expect(ok({})).toBe(true);
    expect(ok({ nowS: 1_700_000_300 })).toBe(true); // exactly the 300 s tolerance
    expect(ok({ nowS: 1_700_000_301 })).toBe(false);
    expect(ok({ nowS: 1_699_999_699 })).toBe(false); // from the future
    expect(ok({ secret: 'whsec_other' })).toBe(false);
    expect(ok({ body: BODY.replace('2', '3') })).toBe(false);
    expect(ok({ timestamp: '1700000001', nowS: 1_700_000_001 })).toBe(false);
    expect(ok({ timestamp: undefined })).toBe(false);
    expect(ok({ signature: undefined })).toBe(false);
    expect(ok({ signature: signature.toUpperCase() })).toBe(false);
    expect(ok({ signature: signature.slice(0, -1) })).toBe(false);
    expect(ok({ timestamp: '1.7e9' })).toBe(false);
  });
});
