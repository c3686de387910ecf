import { z } from 'zod';

/** One bad field: its dotted path (`body.plate`, `axleWeightsKg.2`; `(root)` for the value itself) and what is wrong. */
export const fieldIssue = z.object({ field: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof fieldIssue>;

/** The issues of a failed parse, each field prefixed with where the value came from (`body`, `query`), if given. */
export const fieldIssuesOf = (error: z.ZodError, where?: string): FieldIssue[] =>
  error.issues.map((issue) => {
    const path = [...(where ? [where] : []), ...issue.path.map(String)];
    return { field: path.length ? path.join('.') : '(root)', message: issue.message };
  });

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
  error: z.string(),
  message: z.string(),
  issues: z.array(fieldIssue).optional(),
});
export type ApiError = z.infer<typeof apiError>;

const REASON_PHRASES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large', 503: 'Service Unavailable',
};

export const apiErrorOf = (statusCode: number, message: string, options: { error?: string; issues?: FieldIssue[] } = {}): ApiError => ({
  statusCode,
  error: options.error ?? REASON_PHRASES[statusCode] ?? 'Error',
  message,
  ...(options.issues ? { issues: options.issues } : {}),
});
