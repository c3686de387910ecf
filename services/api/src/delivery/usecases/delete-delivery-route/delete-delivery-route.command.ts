import type { Scope } from '../../../auth/scope';

/** Delete a route of a company in the caller's scope (`DELETE /v1/delivery/companies/:companyId/routes/:routeId`). */
export interface DeleteDeliveryRouteCommand {
  scope: Scope;
  companyId: string;
  routeId: string;
  clientAddress?: string | undefined;
}
