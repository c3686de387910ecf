import type { Scope } from '../../../auth/scope';

/** Issue a new webhook signing secret for a company in the caller's scope (`POST /v1/delivery/companies/:companyId/secret`). */
export interface RotateDeliverySecretCommand {
  scope: Scope;
  companyId: string;
  nowMs: number;
  clientAddress?: string | undefined;
}
