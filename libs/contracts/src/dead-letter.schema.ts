import { z } from 'zod';
import { safeString } from './safe-string';
import { epochMs } from './common.schema';

/** What lands on `<topic>.dlq`: the original bytes, where they came from, and why they were refused. */
export const deadLetterV1 = z.object({
  v: z.literal(1),
  sourceTopic: safeString(),
  partition: z.number().int().nonnegative(),
  offset: safeString(),
  /** The record's key as it came (it may be what was refused): any text. */
  key: z.string().nullable(),
  /** Why it was refused; any text, so that writing a dead letter never fails (the codec escapes control characters in it). */
  reason: z.string(),
  /**
   * The original value, UTF-8 when it decodes, else base64 with `payloadEncoding`. Any text:
   * the refused bytes are kept as they came, NUL included — a dead letter is where they go.
   */
  payload: z.string(),
  payloadEncoding: z.enum(['utf8', 'base64']),
  failedAtMs: epochMs,
});
export type DeadLetterV1 = z.infer<typeof deadLetterV1>;
