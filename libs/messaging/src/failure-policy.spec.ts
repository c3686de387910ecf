import { describe, expect, it } from 'vitest';
import { classifyFailure, describeFailure, failurePolicyOf } from './failure-policy';
import { InvalidMessageError } from './bus';

const withCode = (code: string, message = `error ${code}`) => Object.assign(new Error(message), { code });

describe('classifyFailure', () => {
  it('calls the database or broker being away transient', () => {
    for (const code of [
      '42P05',
      '26000',
      '08006',
      '08001',
      '57P01',
      '57P03',
      '53300',
      '53200',
      '40001',
      '40P01',
      '57014',
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'EPIPE',
      'EAI_AGAIN',
    ]) {
      expect(classifyFailure(withCode(code)), code).toBe('transient');
    }
    expect(classifyFailure(new Error('timeout exceeded when trying to connect'))).toBe('transient');
    expect(classifyFailure(new Error('Connection terminated unexpectedly'))).toBe('transient');
    expect(classifyFailure(Object.assign(new Error('Reached the max retries per request limit'), { name: 'MaxRetriesPerRequestError' }))).toBe('transient');
    expect(classifyFailure(Object.assign(new Error('LOADING Redis is loading the dataset in memory'), { name: 'ReplyError' }))).toBe('transient');
    expect(classifyFailure(Object.assign(new Error('broker gone'), { name: 'KafkaJSNumberOfRetriesExceeded' }))).toBe('transient');
    expect(classifyFailure(Object.assign(new Error('not leader'), { retriable: true }))).toBe('transient');
  });

  it('finds the cause of a wrapped error, and AggregateError (IPv4 and IPv6 both refused) as transient', () => {
    expect(classifyFailure(new Error('writing positions failed', { cause: withCode('ECONNREFUSED') }))).toBe('transient');
    expect(classifyFailure(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], ''))).toBe('transient');
    expect(classifyFailure(Object.assign(new Error('kafka'), { originalError: withCode('ECONNRESET') }))).toBe('transient');
  });

  it('calls what the database refuses for the data data errors', () => {
    for (const code of ['22003', '22021', '22P02', '22P05', '23505', '23502', '23514', '42703', '21000']) {
      expect(classifyFailure(withCode(code)), code).toBe('data');
    }
    expect(classifyFailure(new InvalidMessageError('cases.events', 0, 'caseId: required'))).toBe('data');
  });

  it('a transient cause wins over a data-looking wrapper (never dead-letter during an outage)', () => {
    expect(classifyFailure(Object.assign(new Error('insert failed', { cause: withCode('ECONNRESET') }), { code: '22000' }))).toBe('transient');
  });

  it('calls anything else unknown', () => {
    expect(classifyFailure(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe('unknown');
    expect(classifyFailure('a string')).toBe('unknown');
    expect(classifyFailure(null)).toBe('unknown');
    expect(classifyFailure(withCode('XX000'))).toBe('unknown');
  });
});

describe('describeFailure', () => {
  it('gives the message and the SQLSTATE, bounded', () => {
    expect(describeFailure(withCode('22003', 'smallint out of range'))).toBe('smallint out of range [22003]');
    expect(describeFailure(new Error('outer', { cause: withCode('22021', 'inner') }))).toBe('outer [22021]');
    expect(describeFailure(new Error('x'.repeat(5_000))).length).toBe(2_000);
  });
});

describe('failurePolicyOf', () => {
  it('defaults to 5 attempts, layers override, and a bad bound is refused', () => {
    expect(failurePolicyOf().maxAttempts).toBe(5);
    expect(failurePolicyOf({ maxAttempts: 3 }, { backoff: { initialMs: 1, maxMs: 2 } })).toMatchObject({ maxAttempts: 3, backoff: { initialMs: 1, maxMs: 2 } });
    expect(failurePolicyOf({ maxAttempts: 3 }, { maxAttempts: undefined }).maxAttempts).toBe(3);
    expect(() => failurePolicyOf({ maxAttempts: 0 })).toThrow(/maxAttempts/);
  });
});
