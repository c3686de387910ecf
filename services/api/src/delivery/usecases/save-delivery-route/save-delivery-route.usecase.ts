import { randomUUID } from 'node:crypto';
import type { DeliveryRouteSaved } from '@roadwatch/contracts';
import { checkWebhookTarget, UnsafeWebhookTargetError, type WebhookTargetPolicy } from '@roadwatch/runtime';
import type { AuditRepository, DeliverySettingsRepository } from '@roadwatch/storage';
import { DeliveryCommandError } from '../../delivery-command.error';
import { newDeliverySecret } from '../../delivery-secret';
import type { SaveDeliveryRouteCommand } from './save-delivery-route.command';

/**
 * Saves a company's route: the company must be in the caller's scope (a company user: its own;
 * another's is 404, as one that does not exist), a replaced route must be that company's, a
 * webhook target must be safe (checked here, when saved, with the reason in the 400). The
 * company's first webhook route brings its signing secret, returned this once. Audited.
 */
export class SaveDeliveryRouteUseCase {
  constructor(
    private readonly settings: DeliverySettingsRepository,
    private readonly audit: AuditRepository,
    private readonly targets: WebhookTargetPolicy,
  ) {}

  async execute({ scope, companyId, routeId, request, nowMs, clientAddress }: SaveDeliveryRouteCommand): Promise<DeliveryRouteSaved> {
    const company = await this.settings.settings(companyId, scope.filter);
    if (!company) throw new DeliveryCommandError('not_found', `company ${companyId} not found`);
    const before = routeId === undefined ? undefined : await this.settings.route(routeId, scope.filter);
    if (routeId !== undefined && before?.companyId !== companyId) throw new DeliveryCommandError('not_found', `route ${routeId} not found`);
    if (request.channel === 'webhook') {
      try {
        await checkWebhookTarget(request.target, this.targets);
      } catch (error) {
        if (error instanceof UnsafeWebhookTargetError)
          throw new DeliveryCommandError('invalid_field', `body.target: ${error.message}`, { field: 'body.target', message: error.message });
        throw error;
      }
    }
    const by = { username: scope.principal.username, atMs: nowMs };
    const saved = await this.settings.saveRoute(
      {
        routeId: routeId ?? randomUUID(),
        companyId,
        channel: request.channel,
        target: request.target,
        rules: request.rules,
        ...(request.minSeverity ? { minSeverity: request.minSeverity } : {}),
        enabled: request.enabled,
      },
      by,
    );
    if (saved === 'conflict') throw new DeliveryCommandError('conflict', `company ${companyId} already has a ${request.channel} route to that target`);
    let secretIssued: DeliveryRouteSaved['secretIssued'];
    if (request.channel === 'webhook' && company.secretRotatedAtMs === undefined) {
      const secret = newDeliverySecret();
      await this.settings.rotateSecret(companyId, secret, by);
      secretIssued = { companyId, secret, rotatedAtMs: nowMs };
    }
    const target = `company/${companyId}/route/${saved.routeId}`;
    await this.audit.record({
      actor: by.username,
      clientAddress,
      action: 'delivery.route_save',
      target,
      outcome: 'success',
      changes: {
        channel: { before: before?.channel, after: saved.channel },
        target: { before: before?.target, after: saved.target },
        rules: { before: before?.rules, after: saved.rules },
        minSeverity: { before: before?.minSeverity, after: saved.minSeverity },
        enabled: { before: before?.enabled, after: saved.enabled },
      },
    });
    if (secretIssued)
      await this.audit.record({
        actor: by.username,
        clientAddress,
        action: 'delivery.secret_rotate',
        target: `company/${companyId}/secret`,
        outcome: 'success',
      });
    const { companyId: _companyId, ...route } = saved;
    return { ...route, companyId, ...(secretIssued ? { secretIssued } : {}) };
  }
}
