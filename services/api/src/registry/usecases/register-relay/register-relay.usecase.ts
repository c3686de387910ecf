import { RELAY_VEHICLE_CLASSES, type RelayItem } from '@roadwatch/contracts';
import { chinaDateOf } from '@roadwatch/domain';
import type { VehiclesRepository } from '../../../repositories/vehicles.repository';
import { badField, notFound } from '../../registry-command.error';
import type { RegistryUnitOfWork } from '../../registry-unit-of-work';
import type { RegisterRelayCommand } from './register-relay.command';

/**
 * RULES.md §3: a relay is registered for a long-distance bus or tour coach in the caller's
 * scope (outside it: not found, as everywhere). A company registers from tonight on (the
 * night whose 02:00 falls on today's local date): a past night would exempt its bus after the
 * fact; the monitoring centre may register a past night (a relay run out of coverage, its data
 * back-filled later). The registration and its `registry.changes` upsert commit together.
 */
export class RegisterRelayUseCase {
  constructor(
    private readonly unitOfWork: RegistryUnitOfWork,
    private readonly vehicles: VehiclesRepository,
    private readonly now: () => number,
  ) {}

  async execute({ scope, request }: RegisterRelayCommand): Promise<RelayItem> {
    const vehicle = (await this.vehicles.get(scope, request.vehicleId)) ?? notFound('vehicle', request.vehicleId);
    if (!(RELAY_VEHICLE_CLASSES as readonly string[]).includes(vehicle.vehicleClass)) {
      badField('body.vehicleId', `a ${vehicle.vehicleClass} vehicle runs no relay: only ${RELAY_VEHICLE_CLASSES.join(' and ')} vehicles are registered`);
    }
    const tonight = chinaDateOf(this.now());
    if (scope.principal.role === 'company' && request.nightDate < tonight) {
      badField('body.nightDate', `the night is over: a company registers from ${tonight} on (the monitoring centre registers past nights)`);
    }
    return this.unitOfWork.run(async ({ relays }, changed) => {
      const relay = await relays.upsert({ ...request, registeredBy: scope.principal.username });
      await changed('relay', relay.relayId, 'upsert');
      return relay;
    });
  }
}
