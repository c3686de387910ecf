/**
 * The standard's "simple encryption" of the message body (JT/T 809 2011 §4.4.3 / 2019): a
 * linear congruential key stream XORed onto the body. Encrypting and decrypting are the
 * same operation.
 *
 *   if key == 0: key = 1
 *   for each byte: key = IA1 * (key % M1) + IC1;  byte ^= (key >> 20) & 0xff
 *
 * All arithmetic is on unsigned 32-bit integers, as in the standard's C code (the product
 * wraps), so `Math.imul` and `>>> 0` reproduce it exactly.
 */
export interface Jt809EncryptionKeys {
  readonly m1: number;
  readonly ia1: number;
  readonly ic1: number;
}

export function jt809Crypt(bytes: Uint8Array, encryptKey: number, keys: Jt809EncryptionKeys): Uint8Array {
  const out = new Uint8Array(bytes.length);
  let key = encryptKey >>> 0 || 1;
  const m1 = keys.m1 >>> 0;
  for (let i = 0; i < bytes.length; i += 1) {
    // M1 = 0 would divide by zero in C; there the key stream is undefined — treat as no modulus.
    const reduced = m1 === 0 ? key : key % m1;
    key = (Math.imul(keys.ia1 >>> 0, reduced) + (keys.ic1 >>> 0)) >>> 0;
    out[i] = bytes[i]! ^ ((key >>> 20) & 0xff);
  }
  return out;
}
