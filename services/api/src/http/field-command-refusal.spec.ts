import { HttpException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { DeliveryCommandError } from '../delivery/delivery-command.error';
import { FieldCommandError } from '../field-command.error';
import { badField, missingReference, RegistryCommandError } from '../registry/registry-command.error';
import { RosterCommandError } from '../roster/roster-command.error';
import { answerRefusal } from './http-errors';

/** What `answerRefusal` throws for `error`, as the client reads it. */
const answered = (error: unknown): { status: number; body: unknown } => {
  try {
    answerRefusal(error);
  } catch (thrown) {
    if (thrown instanceof HttpException) return { status: thrown.getStatus(), body: thrown.getResponse() };
    throw thrown;
  }
  throw new Error('answerRefusal returned');
};

describe('answerRefusal: a refused registry, delivery or roster command as HTTP', () => {
  for (const Refusal of [RegistryCommandError, DeliveryCommandError, RosterCommandError]) {
    it(`${Refusal.name}: not found 404, conflict 409, a bad field 400 naming it — the message kept as written`, () => {
      expect(new Refusal('conflict', 'x')).toBeInstanceOf(FieldCommandError);
      expect(answered(new Refusal('not_found', 'company c-9 not found'))).toEqual({
        status: 404,
        body: { statusCode: 404, error: 'Not Found', message: 'company c-9 not found' },
      });
      expect(answered(new Refusal('conflict', '班次与已有班次重叠 (shift overlaps)'))).toEqual({
        status: 409,
        body: { statusCode: 409, error: 'Conflict', message: '班次与已有班次重叠 (shift overlaps)' },
      });
      const issue = { field: 'body.webhookUrl', message: 'not an https URL' };
      expect(answered(new Refusal('invalid_field', 'body.webhookUrl: not an https URL', issue))).toEqual({
        status: 400,
        body: { statusCode: 400, error: 'Bad Request', message: 'body.webhookUrl: not an https URL', issues: [issue] },
      });
      expect(answered(new Refusal('invalid_field', 'bad'))).toEqual({ status: 400, body: { statusCode: 400, error: 'Bad Request', message: 'bad' } });
    });
  }

  it('the registry helpers throw refusals that answer as before', () => {
    expect(answered(capture(() => missingReference('companyId', 'company', 'c-1')))).toEqual({
      status: 400,
      body: {
        statusCode: 400,
        error: 'Bad Request',
        message: 'body.companyId: company c-1 not found',
        issues: [{ field: 'body.companyId', message: 'no such company' }],
      },
    });
    expect(answered(capture(() => badField('body.plate', 'empty'))).body).toMatchObject({ message: 'body.plate: empty' });
  });

  it('anything else goes on unanswered', () => {
    const other = new Error('socket hang up');
    expect(() => answerRefusal(other)).toThrow(other);
  });
});

function capture(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('did not throw');
}
