import { HttpException } from '@nestjs/common';
import type { z } from 'zod';
import { apiErrorOf, describeIssues, fieldIssuesOf, type FieldIssue } from '@roadwatch/contracts';

export const fail = (statusCode: number, message: string, issues?: FieldIssue[]): never => {
  throw new HttpException(apiErrorOf(statusCode, message, issues ? { issues } : {}), statusCode);
};

/** 400 naming every bad field (`query.fromMs: …`, `body.plate: …`, `path.terminalId: …`). */
export const parseOr400 = <S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'path'): z.output<S> => {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issues = fieldIssuesOf(result.error, where);
  return fail(400, describeIssues(issues), issues);
};

export const notFound = (what: string, id: string): never => fail(404, `${what} ${id} not found`);
