/**
 * Every rule's configuration is RULES.md's defaults plus per-region overrides, applied as
 * patches: nested objects merge key by key, arrays and scalars replace, undefined leaves
 * the base value. One implementation for every rule family.
 */
export type ConfigPatch<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: ConfigPatch<T[K]> }
    : T;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Deep merge of plain data; never mutates its inputs. */
export const mergeConfigPatch = <T>(base: T, override: ConfigPatch<T> | undefined): T => {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    out[key] = isPlainObject(value) && isPlainObject(out[key]) ? mergeConfigPatch(out[key], value) : value;
  }
  return out as T;
};
