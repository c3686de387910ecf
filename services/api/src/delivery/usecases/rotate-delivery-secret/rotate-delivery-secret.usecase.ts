import type { DeliverySecretIssued } from '@roadwatch/contracts';
import type { AuditRepository, DeliverySettingsRepository } from '@roadwatch/storage';
import { DeliveryCommandError } from '../../delivery-command.error';
import { newDeliverySecret } from '../../delivery-secret';
import type { RotateDeliverySecretCommand } from './rotate-delivery-secret.command';

/**
 * A new signing secret for the company, returned this once (the platform keeps it to sign and
 * never shows it again); the old one stops signing at once. Audited without the secret.
 */
export class RotateDeliverySecretUseCase {
  constructor(
    private readonly settings: DeliverySettingsRepository,
    private readonly audit: AuditRepository,
  ) {}

  async execute({ scope, companyId, nowMs, clientAddress }: RotateDeliverySecretCommand): Promise<DeliverySecretIssued> {
    if (!(await this.settings.settings(companyId, scope.filter))) throw new DeliveryCommandError('not_found', `company ${companyId} not found`);
    const secret = newDeliverySecret();
    await this.settings.rotateSecret(companyId, secret, { username: scope.principal.username, atMs: nowMs });
    await this.audit.record({
      actor: scope.principal.username,
      clientAddress,
      action: 'delivery.secret_rotate',
      target: `company/${companyId}/secret`,
      outcome: 'success',
    });
    return { companyId, secret, rotatedAtMs: nowMs };
  }
}
