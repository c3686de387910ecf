import { notFound } from '../../registry-command.error';
import type { RegistryUnitOfWork } from '../../registry-unit-of-work';
import type { DeleteRelayCommand } from './delete-relay.command';

/** Deletes the registration (not found outside the caller's scope) and writes its `registry.changes` delete in one transaction. */
export class DeleteRelayUseCase {
  constructor(private readonly unitOfWork: RegistryUnitOfWork) {}

  execute({ scope, relayId }: DeleteRelayCommand): Promise<void> {
    return this.unitOfWork.run(async ({ relays }, changed) => {
      if (!(await relays.delete(relayId, scope.filter))) notFound('relay registration', relayId);
      await changed('relay', relayId, 'delete');
    });
  }
}
