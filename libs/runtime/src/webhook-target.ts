import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Whether a company's webhook URL is a target the platform may POST to (issue #14: refuse
 * unsafe targets when the URL is saved). The platform sits inside the authority's network: a
 * URL naming a private, loopback or link-local address would let a company user make the
 * platform call internal services (SSRF). Checked when a URL is saved and again before each
 * send (a name may resolve elsewhere later).
 */
export class UnsafeWebhookTargetError extends Error {
  override readonly name = 'UnsafeWebhookTargetError';
}

export interface WebhookTargetPolicy {
  /** Private, loopback and link-local targets allowed: tests and the embedded default (a webhook on the same machine). */
  allowPrivateTargets: boolean;
  /** Name resolution (default: the OS resolver, every address). */
  resolve?: (hostname: string) => Promise<string[]>;
}

/**
 * Addresses that are not the public internet (RFC 6890's special-purpose registries). An
 * IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) is checked against the IPv4 subnets by BlockList
 * itself.
 */
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');

export const isPublicAddress = (address: string): boolean => {
  const family = isIP(address);
  if (family === 0) return false;
  return !NOT_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
};

const resolveAll = async (hostname: string): Promise<string[]> => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/**
 * The URL when it is a safe webhook target; else an UnsafeWebhookTargetError saying why. The
 * WHATWG parser normalises odd spellings first (`http://2130706433/` and `http://0x7f.1/` are
 * 127.0.0.1), so they are judged as the address they are.
 */
export const checkWebhookTarget = async (text: string, policy: WebhookTargetPolicy): Promise<URL> => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UnsafeWebhookTargetError(`webhook URL "${text.slice(0, 200)}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UnsafeWebhookTargetError(`webhook URL must be http or https, not ${url.protocol}`);
  if (url.username || url.password) throw new UnsafeWebhookTargetError('webhook URL must not carry credentials (user:password@): the body is signed instead');
  if (url.hash) throw new UnsafeWebhookTargetError('webhook URL must not have a #fragment');
  if (policy.allowPrivateTargets) return url;
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  let addresses: string[];
  if (isIP(host) !== 0) addresses = [host];
  else {
    try {
      addresses = await (policy.resolve ?? resolveAll)(host);
    } catch (error) {
      throw new UnsafeWebhookTargetError(`webhook host ${host} does not resolve (${(error as Error).message})`);
    }
    if (addresses.length === 0) throw new UnsafeWebhookTargetError(`webhook host ${host} does not resolve`);
  }
  const refused = addresses.find((address) => !isPublicAddress(address));
  if (refused !== undefined)
    throw new UnsafeWebhookTargetError(`webhook host ${host} is a private, loopback or link-local address (${refused}); only public addresses are allowed`);
  return url;
};
