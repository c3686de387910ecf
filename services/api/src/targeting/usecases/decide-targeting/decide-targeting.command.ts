import type { Scope } from '../../../auth/scope';

/** An officer refers (公安/工信) or dismisses an open lead in their scope (`POST /v1/targeting/:targetingId/decision`), saying why. */
export interface DecideTargetingCommand {
  scope: Scope;
  targetingId: string;
  status: 'referred' | 'dismissed';
  note: string;
  nowMs: number;
  clientAddress?: string | undefined;
}
