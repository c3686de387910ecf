import type { DeliveryRouteRequest } from '@roadwatch/contracts';
import type { Scope } from '../../../auth/scope';

/**
 * Create (no `routeId`) or replace a route of a company in the caller's scope
 * (`POST /v1/delivery/companies/:companyId/routes`, `PUT …/routes/:routeId`).
 */
export interface SaveDeliveryRouteCommand {
  scope: Scope;
  companyId: string;
  routeId?: string;
  request: DeliveryRouteRequest;
  nowMs: number;
  clientAddress?: string | undefined;
}
