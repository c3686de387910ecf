/** Delete one registry record (`DELETE /v1/admin/<resource>/:id`). */
export interface DeleteRegistryRecordCommand {
  /** The path segment of a resource with a table of its own: `terminals`, `drivers`, `speed-zones`, `wim-stations`, `source-sites`. */
  resource: string;
  id: string;
}
