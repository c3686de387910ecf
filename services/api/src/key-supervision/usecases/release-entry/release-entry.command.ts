import type { Scope } from '../../../auth/scope';

/** An officer releases a 重点监管 entry in their scope (`POST /v1/key-supervision/entries/:entryId/release`), saying why (RULES.md §10). */
export interface ReleaseEntryCommand {
  scope: Scope;
  entryId: string;
  comment: string;
  nowMs: number;
  clientAddress?: string | undefined;
}
