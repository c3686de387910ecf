import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as contracts from './index';
import {
  escapeUnsafeCharacters,
  freeText,
  parseWith,
  RECORD_KEY,
  safeJsonObject,
  safeString,
  stringPathsOf,
  unsafeCharacterIn,
  wimStationRecordV1,
} from './index';

describe('unsafeCharacterIn', () => {
  it('names the character and its index', () => {
    expect(unsafeCharacterIn('京A1\u00002345')).toBe('contains a NUL character (U+0000) at index 3');
    expect(unsafeCharacterIn('ab\u001b[31m')).toBe('contains an escape character (U+001B) at index 2');
    expect(unsafeCharacterIn('x\u0007')).toBe('contains a control character (U+0007) at index 1');
    expect(unsafeCharacterIn('AB\u007f')).toBe('contains a DEL character (U+007F) at index 2');
    expect(unsafeCharacterIn('\u0001')).toBe('contains a control character (U+0001) at index 0');
    expect(unsafeCharacterIn('\u001f')).toBe('contains a control character (U+001F) at index 0');
  });

  it('refuses a lone surrogate of either half, and a pair in the wrong order, but not a pair', () => {
    expect(unsafeCharacterIn('冀B\ud800')).toBe('contains an unpaired UTF-16 surrogate (U+D800) at index 2');
    expect(unsafeCharacterIn('\udc00x')).toBe('contains an unpaired UTF-16 surrogate (U+DC00) at index 0');
    expect(unsafeCharacterIn('a\ude00\ud83d')).toBe('contains an unpaired UTF-16 surrogate (U+DE00) at index 1');
    expect(unsafeCharacterIn('\ud83d\ude9a 重型货车 𠮷')).toBeUndefined();
  });

  it('lets printable text through: Chinese, full-width, spaces, C1 and other Unicode', () => {
    for (const text of ['', '京A12345', '冀F·12345', '沪Ａ１２３', '  spaced  ', 'ü€\u00a0\u0085\u2028\ufeff', '\u0080'])
      expect(unsafeCharacterIn(text)).toBeUndefined();
  });

  it('free text allows tab, line feed and carriage return; a line does not', () => {
    expect(unsafeCharacterIn('a\tb\r\nc', 'text')).toBeUndefined();
    expect(unsafeCharacterIn('a\tb', 'line')).toBe('contains a tab character (U+0009) at index 1');
    expect(unsafeCharacterIn('a\nb')).toBe('contains a line feed character (U+000A) at index 1');
    expect(unsafeCharacterIn('a\rb')).toBe('contains a carriage return character (U+000D) at index 1');
    expect(unsafeCharacterIn('a\n\u0000', 'text')).toBe('contains a NUL character (U+0000) at index 2');
    expect(unsafeCharacterIn('a\n\ud800', 'text')).toBe('contains an unpaired UTF-16 surrogate (U+D800) at index 2');
  });

  it('escapes what it refuses, for messages that must show the value', () => {
    expect(escapeUnsafeCharacters('a\u0000b\ud800\t')).toBe('a\\u0000b\\ud800\\u0009');
    expect(escapeUnsafeCharacters('冀B\ud83d\ude9a')).toBe('冀B\ud83d\ude9a');
  });
});

describe('the schema helpers', () => {
  it('chain like z.string(), and report the safe-string issue beside the others', () => {
    const plate = safeString().trim().min(2).max(16);
    expect(plate.parse(' 冀F12345 ')).toBe('冀F12345');
    const parsed = parseWith(z.object({ plate }), { plate: '\u0000' });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.issues).toEqual([
        { field: 'plate', message: 'contains a NUL character (U+0000) at index 0' },
        { field: 'plate', message: expect.stringContaining('2') },
      ]);
  });

  it('refuses a control character even where .trim() would have cut it', () => {
    expect(safeString().trim().safeParse('冀F12345\n').success).toBe(false);
    expect(freeText().trim().parse('line one\nline two\n')).toBe('line one\nline two');
  });

  it('a JSON object is checked to the bottom, keys included, and names where', () => {
    const details = z.object({ details: safeJsonObject() });
    expect(details.safeParse({ details: { a: [1, { b: 'ok', c: null }], 'd e': '冀F' } }).success).toBe(true);
    const deep = parseWith(details, { details: { a: [1, { b: 'x\u0000' }] } });
    expect(deep.ok || deep.issues).toEqual([{ field: 'details.a.1.b', message: 'contains a NUL character (U+0000) at index 1' }]);
    const nestedKey = parseWith(details, { details: { a: { ['k\ud800']: 1 } } });
    expect(nestedKey.ok || nestedKey.issues).toEqual([{ field: 'details.a', message: 'a key contains an unpaired UTF-16 surrogate (U+D800) at index 1' }]);
    const key = parseWith(details, { details: { ['k\u0000']: 1 } });
    // The bad key is part of the path; it is shown escaped, never as the raw character.
    expect(key.ok || key.issues).toEqual([{ field: 'details.k\\u0000', message: 'key contains a NUL character (U+0000) at index 1' }]);
  });

  it('an ISO time with a NUL is refused naming the NUL (the union keeps the branch that matched the type)', () => {
    const record = parseWith(wimStationRecordV1.pick({ measuredAt: true }), { measuredAt: '2026-11-23T10:15:00+08:00\u0000' });
    expect(record.ok || record.issues).toContainEqual({ field: 'measuredAt', message: 'contains a NUL character (U+0000) at index 25' });
  });
});

// ─── every string of every contract ───

/** Strings that must take any text: a dead letter keeps what was refused, as it came, and why. */
const RAW_TEXT: Record<string, readonly string[]> = { deadLetterV1: ['key', 'payload', 'reason'] };

const POISONS = [
  ['a NUL', 'A\u0000B', /NUL character \(U\+0000\) at index 1/],
  ['an escape', 'A\u001bB', /an escape character \(U\+001B\) at index 1/],
  ['a DEL', 'AB\u007f', /DEL character \(U\+007F\) at index 2/],
  ['a lone high surrogate', 'A\ud800B', /unpaired UTF-16 surrogate \(U\+D800\) at index 1/],
  ['a lone low surrogate', 'AB\udfff', /unpaired UTF-16 surrogate \(U\+DFFF\) at index 2/],
] as const;

type Issue = { path: PropertyKey[]; message: string; code: string; errors?: Issue[][]; issues?: Issue[] };

/** zod's issues with the ones nested in unions and record keys lifted out, paths made whole. */
const flatten = (issues: readonly Issue[]): Issue[] =>
  issues.flatMap((issue) => [
    issue,
    ...(issue.code === 'invalid_union' ? flatten((issue.errors ?? []).flat()) : []),
    ...(issue.code === 'invalid_key' ? flatten(issue.issues ?? []).map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] })) : []),
  ]);

const schemas: [string, z.ZodType][] = Object.entries(contracts as Record<string, unknown>).flatMap(([name, value]) =>
  value instanceof z.ZodType ? [[name, value] as [string, z.ZodType]] : [],
);

describe('every string of every contract refuses NUL, controls and lone surrogates', () => {
  it('finds the contracts and their strings (so that the cases below are not vacuous)', () => {
    const names = schemas.map(([name]) => name);
    for (const name of [
      'positionV1',
      'wimStationRecordV1',
      'alertV1',
      'liveSubscribe',
      'relayRequest',
      'vehicleDto',
      'terminalCommandV1',
      'caseDetail',
      'infraEnvSchema',
    ])
      expect(names).toContain(name);
    const total = schemas.reduce((sum, [, schema]) => sum + stringPathsOf(schema).length, 0);
    expect(total).toBeGreaterThan(250);
    expect(stringPathsOf(contracts.terminalCommandV1).map((p) => p.path.join('.'))).toEqual(
      expect.arrayContaining(['commandId', 'command.text', 'command.params.0.value']),
    );
  });

  const cases = schemas.flatMap(([name, schema]) =>
    stringPathsOf(schema)
      .filter((leaf) => !(RAW_TEXT[name] ?? []).includes(leaf.path.join('.')))
      .flatMap((leaf) => POISONS.map(([what, poison, message]) => ({ name, schema, leaf, what, poison, message }))),
  );

  it.each(cases.map((c) => [`${c.name}.${c.leaf.path.join('.') || '(root)'} with ${c.what}`, c] as const))('%s', (_, { schema, leaf, poison, message }) => {
    const result = schema.safeParse(leaf.place(poison));
    expect(result.success).toBe(false);
    const issues = flatten((result.error?.issues ?? []) as unknown as Issue[]);
    const isKey = leaf.path.at(-1) === RECORD_KEY;
    const where = isKey ? leaf.path.slice(0, -1) : leaf.path;
    const named = issues.filter(
      (issue) => where.every((segment, i) => String(issue.path[i]) === String(segment)) && (!isKey || issue.path.length > where.length),
    );
    expect(named.map((issue) => issue.message)).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });

  it('the raw-text exceptions are real paths of the dead letter, and nothing else is exempt', () => {
    expect(stringPathsOf(contracts.deadLetterV1).map((p) => p.path.join('.'))).toEqual(expect.arrayContaining([...RAW_TEXT['deadLetterV1']!]));
    expect(Object.keys(RAW_TEXT)).toEqual(['deadLetterV1']);
  });
});
