import { BlockList, isIP } from 'node:net';
import type { LowerPlatformRecord } from '@roadwatch/storage';
import { LOGIN_RESULT } from '@roadwatch/jt809';

export type LoginRefusal = 'unknown-access-code' | 'access-code-mismatch' | 'not-enabled' | 'wrong-address' | 'unknown-user' | 'wrong-password';

export type LoginVerdict = { ok: true } | { ok: false; refusal: LoginRefusal; result: number };

/** The 0x1002 RESULT for each refusal (JT/T 809-2011 表 6; a disabled platform has no code of its own: 0x06 other). */
export const RESULT_OF_REFUSAL: Record<LoginRefusal, number> = {
  'unknown-access-code': LOGIN_RESULT.wrongAccessCode,
  'access-code-mismatch': LOGIN_RESULT.wrongAccessCode,
  'not-enabled': LOGIN_RESULT.other,
  'wrong-address': LOGIN_RESULT.wrongAddress,
  'unknown-user': LOGIN_RESULT.userNotRegistered,
  'wrong-password': LOGIN_RESULT.wrongPassword,
};

const refuse = (refusal: LoginRefusal): LoginVerdict => ({ ok: false, refusal, result: RESULT_OF_REFUSAL[refusal] });

/** `::ffff:10.1.2.3` (an IPv4 client on a dual-stack socket) is 10.1.2.3. */
const plainAddress = (address: string): string => (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address);

/**
 * Whether `address` is one of `allowed` (addresses or CIDR ranges, IPv4 or IPv6), with
 * node:net's BlockList. An entry that is neither is ignored (the API refuses them on entry).
 */
export const addressAllowed = (address: string, allowed: readonly string[]): boolean => {
  const plain = plainAddress(address);
  const family = isIP(plain);
  if (family === 0) return false;
  const list = new BlockList();
  for (const entry of allowed) {
    const [base = '', bits] = entry.split('/');
    const type = isIP(base) === 6 ? 'ipv6' : isIP(base) === 4 ? 'ipv4' : undefined;
    if (!type) continue;
    if (bits === undefined) list.addAddress(base, type);
    else if (/^\d{1,3}$/.test(bits)) list.addSubnet(base, Number(bits), type);
  }
  return list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
};

/**
 * The checks of a 0x1001 login, in the order the result codes are told: access code (the
 * header's; a 2019 body repeating another one is the same refusal), enabled, source address,
 * user, password (its scrypt hash: 0x1001 carries it in clear, so only a hash is stored).
 */
export const checkLogin = async (input: {
  platform: LowerPlatformRecord | undefined;
  /** The body's MSG_GNSSCENTERID (2019), when it has one. */
  bodyAccessCode?: number | undefined;
  userId: number;
  password: string;
  remoteAddress: string;
  verifyPassword: (password: string, hash: string) => Promise<boolean>;
}): Promise<LoginVerdict> => {
  const { platform } = input;
  if (!platform) return refuse('unknown-access-code');
  if (input.bodyAccessCode !== undefined && input.bodyAccessCode !== platform.accessCode) return refuse('access-code-mismatch');
  if (!platform.enabled) return refuse('not-enabled');
  if (!addressAllowed(input.remoteAddress, platform.allowedSources)) return refuse('wrong-address');
  if (input.userId !== platform.userId) return refuse('unknown-user');
  if (!(await input.verifyPassword(input.password, platform.passwordHash))) return refuse('wrong-password');
  return { ok: true };
};
