import type { AuditContext } from '@roadwatch/storage';

/** Delete one registry record (`DELETE /v1/admin/<resource>/:id`). */
export interface DeleteRegistryRecordCommand {
  /** Who deletes, from where (the audit log). */
  by: AuditContext;
  /** The path segment of a resource with a table of its own: `terminals`, `drivers`, `speed-zones`, `wim-stations`, `source-sites`. */
  resource: string;
  id: string;
}
