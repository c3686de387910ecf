import { describe, expect, it } from 'vitest';
import { latestPositionKeys } from './latest-position-keys';

/** The part of a key Redis Cluster hashes: the text inside the first `{…}` when it is not empty, else the whole key. */
const hashTagOf = (key: string): string => {
  const open = key.indexOf('{');
  if (open < 0) return key;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
};

describe('latestPositionKeys', () => {
  it("names the archiver's two hashes as they have always been named, under the prefix", () => {
    expect(latestPositionKeys('rw:')).toEqual({ time: 'rw:{latest}:time', position: 'rw:{latest}:position' });
    expect(latestPositionKeys('')).toEqual({ time: '{latest}:time', position: '{latest}:position' });
  });

  it.each(['', 'rw:', '车队:', 'odd\u0000bytes\n:'])('keeps both hashes in one cluster slot, and apart, for the prefix %j', (prefix) => {
    const keys = latestPositionKeys(prefix);
    expect(hashTagOf(keys.time)).toBe(hashTagOf(keys.position));
    expect(keys.time).not.toBe(keys.position);
    expect(keys.time.startsWith(prefix) && keys.position.startsWith(prefix)).toBe(true);
  });

  it.each(['a{}:', 'a{b}c:', 'x}', '{'])("refuses the prefix %j, whose brace would take the hash tag's place", (prefix) => {
    expect(() => latestPositionKeys(prefix)).toThrow(/may not contain \{ or \}/);
  });
});
