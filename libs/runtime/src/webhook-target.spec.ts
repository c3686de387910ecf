import { describe, expect, it } from 'vitest';
import { checkWebhookTarget, isPublicAddress, UnsafeWebhookTargetError } from './webhook-target';

const strict = {
  allowPrivateTargets: false,
  resolve: async (host: string) => (host === 'hooks.example.com' ? ['93.184.216.34'] : host === 'internal.example.com' ? ['93.184.216.34', '10.1.2.3'] : []),
};

describe('webhook targets: refused when unsafe, with the reason', () => {
  it('a public https or http URL is accepted', async () => {
    await expect(checkWebhookTarget('https://hooks.example.com/roadwatch?x=1', strict)).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookTarget('http://93.184.216.34:8080/hook', strict)).resolves.toBeInstanceOf(URL);
  });

  it.each([
    ['ftp://hooks.example.com/', /http or https/],
    ['file:///etc/passwd', /http or https/],
    ['javascript:alert(1)', /http or https/],
    ['https://user:pw@hooks.example.com/', /credentials/],
    ['https://user@hooks.example.com/', /credentials/],
    ['not a url', /not a URL/],
    ['https://hooks.example.com/#x', /fragment/],
  ])('%s is refused', async (url, reason) => {
    await expect(checkWebhookTarget(url, strict)).rejects.toThrow(reason);
    await expect(checkWebhookTarget(url, strict)).rejects.toBeInstanceOf(UnsafeWebhookTargetError);
  });

  it.each([
    'http://127.0.0.1:9000/',
    'http://2130706433/', // 127.0.0.1 as one number
    'http://0x7f.1/', // 127.0.0.1 in hex
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://10.0.0.5/',
    'http://172.16.9.9/',
    'http://192.168.1.1/',
    'http://169.254.169.254/latest/meta-data', // the cloud metadata service
    'http://100.64.0.1/',
    'http://0.0.0.0/',
    'http://[fd00::1]/',
    'http://[fe80::1]/',
    'https://internal.example.com/', // one of its addresses is private
  ])('%s names a non-public address and is refused', async (url) => {
    await expect(checkWebhookTarget(url, strict)).rejects.toThrow(/private, loopback or link-local/);
  });

  it('a name that does not resolve is refused, naming the host', async () => {
    await expect(checkWebhookTarget('https://nowhere.invalid/', strict)).rejects.toThrow(/nowhere\.invalid does not resolve/);
  });

  it('the flag (tests, the embedded default) allows private and loopback targets, but never other schemes or credentials', async () => {
    const lax = { allowPrivateTargets: true };
    await expect(checkWebhookTarget('http://127.0.0.1:9000/hook', lax)).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookTarget('ftp://127.0.0.1/', lax)).rejects.toThrow(/http or https/);
    await expect(checkWebhookTarget('http://a:b@127.0.0.1/', lax)).rejects.toThrow(/credentials/);
  });

  it('isPublicAddress: public v4 and v6 yes; specials and non-addresses no', () => {
    expect(isPublicAddress('8.8.8.8')).toBe(true);
    expect(isPublicAddress('2001:4860:4860::8888')).toBe(true);
    expect(isPublicAddress('172.32.0.1')).toBe(true); // just outside 172.16/12
    expect(isPublicAddress('172.31.255.255')).toBe(false);
    expect(isPublicAddress('localhost')).toBe(false);
  });
});
