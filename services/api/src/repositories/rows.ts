/** pg returns numeric/bigint as strings and NULL as null; DTOs want numbers and absent keys. */
export const num = (value: unknown): number | undefined => (value === null || value === undefined ? undefined : Number(value));
export const ms = (value: Date | null | undefined): number | undefined => (value ? value.getTime() : undefined);
export const str = (value: unknown): string | undefined => (value === null || value === undefined ? undefined : String(value));

/** Drops undefined keys so DTOs stay clean (exactOptionalPropertyTypes). */
export const compact = <T extends Record<string, unknown>>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

export const TS = (param: string): string => `to_timestamp(${param}::float8 / 1000.0)`;
