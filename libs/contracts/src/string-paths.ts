import type { z } from 'zod';

/** One place in a schema where a string can go, and how to build a value holding one there. */
export interface StringPath {
  /** Where the string sits (`[]` for the value itself; `0` for an array's item; a record's key is `RECORD_KEY`). */
  readonly path: readonly (string | number)[];
  /** A value holding `text` at that place and nothing else (besides the discriminators that lead there). */
  place(text: string): unknown;
}

/** Stands for "a key of this record" in a `StringPath`'s path. */
export const RECORD_KEY = '<key>';

/** The parts of zod 4's schema definitions this walk reads (`schema.def`). */
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  items?: z.ZodType[];
  rest?: z.ZodType | null;
  left?: z.ZodType;
  right?: z.ZodType;
  values?: unknown[];
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { def: Def }).def;

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

/**
 * Every place a string can sit in `schema` — string fields, array items, record keys and
 * values, union branches (a discriminated union's branch with its discriminator set), and
 * `unknown` values, which may hold a string too. For tests and fuzzers that must reach every
 * string of every contract, including the ones added later.
 */
export const stringPathsOf = (schema: z.ZodType, path: readonly (string | number)[] = []): StringPath[] => {
  const def = defOf(schema);
  if (def.type === 'string' || def.type === 'unknown' || def.type === 'any') return [{ path, place: (text) => text }];
  if (WRAPPERS.has(def.type) && def.innerType) return stringPathsOf(def.innerType, path);
  if (def.type === 'pipe' && def.in) return stringPathsOf(def.in, path);
  if (def.type === 'object' && def.shape) {
    return Object.entries(def.shape).flatMap(([key, field]) =>
      stringPathsOf(field, [...path, key]).map((inner) => ({ path: inner.path, place: (text: string) => ({ [key]: inner.place(text) }) })),
    );
  }
  if (def.type === 'array' && def.element) {
    return stringPathsOf(def.element, [...path, 0]).map((inner) => ({ path: inner.path, place: (text: string) => [inner.place(text)] }));
  }
  if (def.type === 'tuple' && def.items) {
    return def.items.flatMap((item, index) =>
      stringPathsOf(item, [...path, index]).map((inner) => ({
        path: inner.path,
        place: (text: string) => Array.from({ length: index + 1 }, (_, i) => (i === index ? inner.place(text) : undefined)),
      })),
    );
  }
  if (def.type === 'record' && def.keyType && def.valueType) {
    const keys = stringPathsOf(def.keyType, []).length > 0 ? [{ path: [...path, RECORD_KEY], place: (text: string) => ({ [text]: 'x' }) }] : [];
    const values = stringPathsOf(def.valueType, [...path, 'k']).map((inner) => ({ path: inner.path, place: (text: string) => ({ k: inner.place(text) }) }));
    return [...keys, ...values];
  }
  if (def.type === 'union' && def.options) {
    const discriminator = def.discriminator;
    return def.options.flatMap((option) => {
      const inner = stringPathsOf(option, path);
      if (discriminator === undefined) return inner;
      const tag = defOf(defOf(option).shape![discriminator]!).values?.[0];
      return inner.map((leaf) => ({ path: leaf.path, place: (text: string) => ({ ...(leaf.place(text) as object), [discriminator]: tag }) }));
    });
  }
  if (def.type === 'intersection' && def.left && def.right) return [...stringPathsOf(def.left, path), ...stringPathsOf(def.right, path)];
  return [];
};
