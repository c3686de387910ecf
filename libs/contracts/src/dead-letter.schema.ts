import { z } from 'zod';
import { epochMs } from './common.schema';

/** What lands on `<topic>.dlq`: the original bytes, where they came from, and why they were refused. */
export const deadLetterV1 = z.object({
  v: z.literal(1),
  sourceTopic: z.string(),
  partition: z.number().int().nonnegative(),
  offset: z.string(),
  key: z.string().nullable(),
  reason: z.string(),
  /** The original value, UTF-8 when it decodes, else base64 with `payloadEncoding`. */
  payload: z.string(),
  payloadEncoding: z.enum(['utf8', 'base64']),
  failedAtMs: epochMs,
});
export type DeadLetterV1 = z.infer<typeof deadLetterV1>;
