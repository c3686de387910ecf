// Test support only (not exported from index.ts). Pure: specs read the files themselves
// (the domain lint forbids node:fs outside specs) and hand the text to `parseFixture`.
import { hexToBytes } from '../bytes.js';

/** libs/jt808/fixtures/ */
export const FIXTURE_DIR = new URL('../../fixtures/', import.meta.url);

export interface FixtureFrame {
  readonly file: string;
  /** Line number in the file, for failure messages. */
  readonly line: number;
  /** Optional first token on the line (invalid-frames.hex: the expected error kind). */
  readonly label: string | null;
  readonly hex: string;
  readonly bytes: Uint8Array;
}

/** Lines are `# comment`, blank, or `[label] HEX`. */
export function parseFixture(file: string, text: string): FixtureFrame[] {
  const frames: FixtureFrame[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const tokens = line.split(/\s+/);
    const hex = tokens[tokens.length - 1]!;
    frames.push({ file, line: index + 1, label: tokens.length > 1 ? tokens[0]! : null, hex: hex.toLowerCase(), bytes: hexToBytes(hex) });
  });
  return frames;
}
