import { vi } from 'vitest';

/**
 * Resolves once `read()` has not changed for `quietMs` (checked every 50 ms): the way to wait
 * for output whose final count a test does not know. vi.waitUntil does the polling and the
 * timeout; this only remembers when the value last moved.
 */
export const waitQuiet = async (read: () => number, quietMs: number, timeoutMs: number): Promise<void> => {
  let last = read();
  let lastChangeMs = Date.now();
  await vi.waitUntil(
    () => {
      const now = read();
      if (now !== last) {
        last = now;
        lastChangeMs = Date.now();
      }
      return Date.now() - lastChangeMs >= quietMs;
    },
    { timeout: timeoutMs, interval: 50, message: `output never went quiet for ${quietMs} ms` },
  );
};
