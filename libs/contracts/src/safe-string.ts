import { z } from 'zod';

/**
 * Strings that every store and wire downstream accepts. PostgreSQL refuses NUL in text and
 * jsonb, and an unpaired UTF-16 surrogate has no UTF-8 encoding at all; the other C0
 * controls and DEL are never meaningful in a plate, an id or a name, and make logs and
 * screens lie. A record carrying one was accepted at the edge and then refused on insert,
 * stalling its partition (issue #10) — so every string of every contract is refused here,
 * with the index of the character, before anything is put on Kafka or in the database.
 *
 * The check is one regular expression (with the `u` flag a lone surrogate is a code point of
 * its own, `\p{Cs}`; a well-formed pair is not), not `String.prototype.isWellFormed`: the
 * contracts are bundled into the web app too, and older browsers lack it.
 */

/** What a string may hold beyond printable text. */
export type SafeTextKind =
  /** Ids, plates, names, codes: no control character at all. */
  | 'line'
  /** Free text a person types (comments, messages to a driver): tab, LF and CR as well. */
  | 'text';

// Matching control characters is the point of these expressions.
/* eslint-disable no-control-regex */
const UNSAFE: Record<SafeTextKind, RegExp> = {
  line: /[\u0000-\u001F\u007F]|\p{Cs}/u,
  text: /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|\p{Cs}/u,
};
/* eslint-enable no-control-regex */

const hex = (code: number): string => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

const CONTROL_NAMES: Record<number, string> = {
  0x00: 'a NUL',
  0x09: 'a tab',
  0x0a: 'a line feed',
  0x0d: 'a carriage return',
  0x1b: 'an escape',
  0x7f: 'a DEL',
};

/**
 * Why `value` is not safe text of that kind — `contains a NUL character (U+0000) at index 3`
 * (the index in UTF-16 code units, as JavaScript counts) — or undefined when it is.
 */
export const unsafeCharacterIn = (value: string, kind: SafeTextKind = 'line'): string | undefined => {
  const found = UNSAFE[kind].exec(value);
  if (!found) return undefined;
  const code = value.charCodeAt(found.index);
  if (code >= 0xd800 && code <= 0xdfff) return `contains an unpaired UTF-16 surrogate (${hex(code)}) at index ${found.index}`;
  const name = CONTROL_NAMES[code];
  return `contains ${name ?? 'a control'} character (${hex(code)}) at index ${found.index}`;
};

const EVERY_UNSAFE = new RegExp(UNSAFE.line.source, 'gu');

/** `value` with every character `safeString` refuses written as a `\uXXXX` escape, for messages that must show it. */
export const escapeUnsafeCharacters = (value: string): string => value.replace(EVERY_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const refuseUnsafe =
  (kind: SafeTextKind) =>
  (value: string, ctx: z.RefinementCtx): void => {
    const problem = unsafeCharacterIn(value, kind);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  };

/** Adds the check to a string schema of another kind (`z.iso.datetime()`, …). */
export const refusingUnsafeCharacters = <S extends z.ZodType<string>>(schema: S, kind: SafeTextKind = 'line'): S => schema.superRefine(refuseUnsafe(kind)) as S;

/**
 * The string of every contract: no NUL, no other C0 control, no DEL, no unpaired surrogate.
 * Chain as usual (`safeString().min(1).max(64)`); the check runs on the value as received,
 * before any `.trim()`, so a control character is refused rather than quietly cut.
 */
export const safeString = () => z.string().superRefine(refuseUnsafe('line'));

/** Free text a person types: like `safeString`, but tab, line feed and carriage return are allowed. */
export const freeText = () => z.string().superRefine(refuseUnsafe('text'));

/** The first unsafe string anywhere inside a JSON-like value, with its path (object keys included). */
const unsafeInside = (value: unknown, path: (string | number)[], depth: number): { path: (string | number)[]; message: string } | undefined => {
  if (typeof value === 'string') {
    const message = unsafeCharacterIn(value);
    return message ? { path, message } : undefined;
  }
  if (typeof value !== 'object' || value === null || depth > 64) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = unsafeInside(value[i], [...path, i], depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, inner] of Object.entries(value)) {
    const keyProblem = unsafeCharacterIn(key);
    if (keyProblem) return { path, message: `a key ${keyProblem}` };
    const found = unsafeInside(inner, [...path, key], depth + 1);
    if (found) return found;
  }
  return undefined;
};

/**
 * A free-form JSON object (alert and case `details`, evidence): safe keys, and every string
 * inside, however deep, safe too — it ends in a jsonb column, which refuses `\u0000`.
 */
export const safeJsonObject = () =>
  z.record(
    safeString(),
    z.unknown().superRefine((value, ctx) => {
      const found = unsafeInside(value, [], 0);
      if (found) ctx.addIssue({ code: 'custom', message: found.message, path: found.path });
    }),
  );
