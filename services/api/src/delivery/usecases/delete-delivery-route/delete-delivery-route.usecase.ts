import type { AuditRepository, DeliverySettingsRepository } from '@roadwatch/storage';
import { DeliveryCommandError } from '../../delivery-command.error';
import type { DeleteDeliveryRouteCommand } from './delete-delivery-route.command';

/** Deletes a route the caller may see (another company's is 404, as one that does not exist). Pending deliveries of it still go out. Audited. */
export class DeleteDeliveryRouteUseCase {
  constructor(
    private readonly settings: DeliverySettingsRepository,
    private readonly audit: AuditRepository,
  ) {}

  async execute({ scope, companyId, routeId, clientAddress }: DeleteDeliveryRouteCommand): Promise<void> {
    const route = await this.settings.route(routeId, scope.filter);
    if (route?.companyId !== companyId || !(await this.settings.deleteRoute(routeId, companyId)))
      throw new DeliveryCommandError('not_found', `route ${routeId} not found`);
    await this.audit.record({
      actor: scope.principal.username,
      clientAddress,
      action: 'delivery.route_delete',
      target: `company/${companyId}/route/${routeId}`,
      outcome: 'success',
      changes: { target: { before: route.target }, channel: { before: route.channel } },
    });
  }
}
