import { HttpException } from '@nestjs/common';
import type { z } from 'zod';
import type { ApiError } from '@roadwatch/contracts';

const NAMES: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 503: 'Service Unavailable' };

export const fail = (statusCode: number, message: string, issues?: ApiError['issues']): never => {
  const body: ApiError = { statusCode, error: NAMES[statusCode] ?? 'Error', message };
  if (issues) body.issues = issues;
  throw new HttpException(body, statusCode);
};

/** 400 naming every bad field (`query.fromMs: …`, `body.plate: …`). */
export const parseOr400 = <S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query'): z.output<S> => {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: [where, ...issue.path.map(String)].join('.'), message: issue.message }));
  return fail(400, issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
};

export const notFound = (what: string, id: string): never => fail(404, `${what} ${id} not found`);
