// Test support only (not exported from index.ts). Pure: specs read the files themselves
// (the domain lint forbids node:fs outside specs) and hand the text to `parseJt809Fixture`.
import { hexToBytes } from '@roadwatch/jt808';
import type { Jt809EncryptionKeys } from '../encryption.js';

/** libs/jt809/fixtures/ */
export const JT809_FIXTURE_DIR = new URL('../../fixtures/', import.meta.url);

export interface Jt809FixtureFrame {
  readonly file: string;
  readonly line: number;
  /** `keys=M1,IA1,IC1` on the line: the link's keys for an encrypted frame. */
  readonly keys: Jt809EncryptionKeys | undefined;
  /** Any other label (invalid-frames: the expected error kind). */
  readonly label: string | null;
  readonly hex: string;
  readonly bytes: Uint8Array;
}

/** Lines are `# comment`, blank, or `[label ...] HEX`. */
export function parseJt809Fixture(file: string, text: string): Jt809FixtureFrame[] {
  const frames: Jt809FixtureFrame[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const tokens = line.split(/\s+/);
    const hex = tokens.pop()!;
    let keys: Jt809EncryptionKeys | undefined;
    let label: string | null = null;
    for (const token of tokens) {
      const match = /^keys=(\d+),(\d+),(\d+)$/.exec(token);
      if (match) keys = { m1: Number(match[1]), ia1: Number(match[2]), ic1: Number(match[3]) };
      else label = token;
    }
    frames.push({ file, line: index + 1, keys, label, hex: hex.toLowerCase(), bytes: hexToBytes(hex) });
  });
  return frames;
}
