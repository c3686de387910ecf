/**
 * Every rule's configuration is RULES.md's defaults plus per-region overrides, applied as
 * patches: nested objects merge key by key, arrays and scalars replace, undefined leaves
 * the base value. One implementation for every rule family.
 */
export type ConfigPatch<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: ConfigPatch<T[K]> } : T;

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

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

/**
 * What is wrong with a patch against the configuration it patches: keys that are not
 * settings, and values of another kind than the setting's (a number for a number, an array
 * for an array, an object for a group). Empty when it applies cleanly. A patch read from a
 * file is checked with this first, so a misspelt key is an error at start, not a rule that
 * silently keeps its default.
 */
export const configPatchIssues = (base: unknown, patch: unknown, path = ''): string[] => {
  const at = (key: string) => (path ? `${path}.${key}` : key);
  if (!isPlainObject(patch)) return [`${path || '(root)'}: expected an object`];
  if (!isPlainObject(base)) return [`${path || '(root)'}: not a group of settings`];
  const issues: string[] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (!Object.hasOwn(base, key)) {
      issues.push(`${at(key)}: not a setting (known: ${Object.keys(base).join(', ')})`);
      continue;
    }
    const current = base[key];
    if (isPlainObject(current)) issues.push(...configPatchIssues(current, value, at(key)));
    else if (Array.isArray(current) ? !Array.isArray(value) : typeof value !== typeof current && current !== null && current !== undefined) {
      issues.push(`${at(key)}: expected ${Array.isArray(current) ? 'an array' : `a ${typeof current}`}, got ${JSON.stringify(value)}`);
    }
  }
  return issues;
};
