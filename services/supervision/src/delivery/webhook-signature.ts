import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The webhook signature (issue #14): HMAC-SHA256 keyed with the company's secret over
 * `<timestamp>.<body>`, sent as `sha256=<hex>`. Signing the timestamp with the body lets a
 * receiver refuse a replayed request (an old timestamp) without trusting an unsigned header.
 */
export const webhookSignatureOf = (secret: string, timestampS: string, body: string | Buffer): string =>
  `sha256=${createHmac('sha256', secret).update(`${timestampS}.`).update(body).digest('hex')}`;

/** The receiver's check, as the README shows it: the same HMAC, compared in constant time, and a timestamp within `toleranceS`. */
export const verifyWebhookSignature = (
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string | Buffer,
  nowS: number,
  toleranceS = 300,
): boolean => {
  if (!headers.timestamp || !headers.signature || !/^\d{1,12}$/.test(headers.timestamp)) return false;
  if (Math.abs(nowS - Number(headers.timestamp)) > toleranceS) return false;
  const expected = Buffer.from(webhookSignatureOf(secret, headers.timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
};

/**
 * The `idempotency-key` header of one alert revision: `<alertId>:<revision>` with the alert id
 * percent-encoded (`encodeURIComponent`). Alert ids hold the vehicle id and so the plate (京A…),
 * and an HTTP header carries bytes 0–255 only: sent raw, every real alert's request failed
 * before it left. Encoded, the key is ASCII, the same on every retry, and `decodeURIComponent`
 * of the part before the last colon gives the alert id back.
 */
export const webhookIdempotencyKeyOf = (alertId: string, revision: number): string => `${encodeURIComponent(alertId)}:${revision}`;
