import { randomBytes } from 'node:crypto';

/** A new webhook signing secret: 32 random bytes (256 bits, the HMAC-SHA256 key size), base64url, prefixed so a leaked one is recognisable. */
export const newDeliverySecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;
