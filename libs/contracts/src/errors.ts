import { z } from 'zod';
import { escapeUnsafeCharacters, safeString, unsafeCharacterIn } from './safe-string';

/** One bad field: its dotted path (`body.plate`, `axleWeightsKg.2`; `(root)` for the value itself) and what is wrong. */
export const fieldIssue = z.object({ field: safeString(), message: safeString() });
export type FieldIssue = z.infer<typeof fieldIssue>;

/** The issues of a failed parse, each field prefixed with where the value came from (`body`, `query`), if given. */
export const fieldIssuesOf = (error: z.ZodError, where?: string): FieldIssue[] =>
  error.issues.map((issue) => {
    const path = [...(where ? [where] : []), ...issue.path.map((segment) => printable(String(segment)))];
    return { field: path.length ? path.join('.') : '(root)', message: messageOf(issue) };
  });

/** A path segment as text a log or a screen shows faithfully: a record key may be the bad string itself. */
const printable = (segment: string): string => (unsafeCharacterIn(segment) ? escapeUnsafeCharacters(segment) : segment);

/** zod says only "Invalid key in record"; the key's own issues say what is wrong with it. */
const messageOf = (issue: z.core.$ZodIssue): string =>
  issue.code === 'invalid_key' && issue.issues.length > 0 ? `key ${issue.issues.map((inner) => inner.message).join('; ')}` : issue.message;

/** Human-readable reason naming each failing field, for dead letters and 4xx answers. */
export const describeIssues = (issues: readonly FieldIssue[]): string => issues.map(({ field, message }) => `${field}: ${message}`).join('; ');

export const describeZodError = (error: z.ZodError): string => describeIssues(fieldIssuesOf(error));

/**
 * Every 4xx/5xx body of every roadwatch HTTP service. `error` is a short machine-readable
 * code (the HTTP reason phrase unless the service has a more precise one, e.g.
 * `validation_failed`); `issues` names the bad fields of a request.
 */
export const apiError = z.object({
  statusCode: z.number().int(),
  error: safeString(),
  message: safeString(),
  issues: z.array(fieldIssue).optional(),
});
export type ApiError = z.infer<typeof apiError>;

const REASON_PHRASES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  503: 'Service Unavailable',
};

export const apiErrorOf = (statusCode: number, message: string, options: { error?: string; issues?: FieldIssue[] } = {}): ApiError => ({
  statusCode,
  error: options.error ?? REASON_PHRASES[statusCode] ?? 'Error',
  message,
  ...(options.issues ? { issues: options.issues } : {}),
});
