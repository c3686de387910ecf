import { HttpException } from '@nestjs/common';
import type { z } from 'zod';
import { CaseCommandError } from '@roadwatch/case-lifecycle';
import { AlertCommandError } from '../alerts/alert-command.error';
import { HandlingCommandError } from '../handling/handling-command.error';
import { InspectionCommandError } from '../inspection/inspection-command.error';
import { FieldCommandError } from '../field-command.error';
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

/**
 * A use case's refusal as HTTP — the one place domain errors become status codes: not found
 * 404, conflict or wrong state 409, a bad field or command 400 (naming the field when known);
 * anything else rethrown.
 */
export const answerRefusal = (error: unknown): never => {
  if (error instanceof FieldCommandError) {
    if (error.kind === 'conflict') return fail(409, error.message);
    if (error.kind === 'not_found') return fail(404, error.message);
    return fail(400, error.message, error.issue ? [error.issue] : undefined);
  }
  if (error instanceof CaseCommandError) return fail(error.kind === 'not_found' ? 404 : error.kind === 'wrong_state' ? 409 : 400, error.message);
  if (error instanceof AlertCommandError) return fail(404, error.message);
  if (error instanceof HandlingCommandError) return fail(error.kind === 'not_found' ? 404 : 409, error.message);
  if (error instanceof InspectionCommandError)
    return fail(
      { not_found: 404, forbidden: 403, conflict: 409 }[error.kind],
      error.message,
      error.field ? [{ field: error.field, message: error.message }] : undefined,
    );
  throw error;
};
