import type { AuditContext } from '@roadwatch/storage';

/** Create or replace one registry record (`POST /v1/admin/<resource>`, `PUT /v1/admin/<resource>/:id`). */
export interface SaveRegistryRecordCommand {
  /** Who writes, from where (the audit log). */
  by: AuditContext;
  /** The path segment: `companies`, `vehicles`, `terminals`, `drivers`, `speed-zones`, `wim-stations`, `source-sites`. */
  resource: string;
  /**
   * `create` refuses an id that exists (conflict); `replace` one that does not (not found);
   * `upsert` (seeding) takes either and writes nothing — no row, audit entry or event — when the stored record is the same.
   */
  mode: 'create' | 'replace' | 'upsert';
  /** The whole record, parsed by the resource's DTO schema (for `replace`, with the path's id). */
  record: Record<string, unknown>;
}
