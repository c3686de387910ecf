export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export const defaultBackoff: BackoffOptions = { initialMs: 200, maxMs: 10_000 };

export const backoffDelayMs = (attempt: number, options: BackoffOptions): number => Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt - 1, 20));

/** A sleep that ends early when the signal aborts (close or revocation must not wait out a backoff). */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
