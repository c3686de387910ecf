import type { AlertAckEvent, AlertItem } from '@roadwatch/contracts';
import type { AlertRepository } from '@roadwatch/storage';
import type { Owner } from '../../../live/vehicle-owner-cache';
import type { AlertsRepository } from '../../../repositories/alerts.repository';
import { AlertCommandError } from '../../alert-command.error';
import type { AcknowledgeAlertCommand } from './acknowledge-alert.command';

/**
 * Records who acknowledged an alert, when and why (the alert must be visible in the scope:
 * otherwise not found), then tells every instance's sockets that may see it.
 */
export class AcknowledgeAlertUseCase {
  constructor(
    private readonly store: AlertRepository,
    private readonly alerts: AlertsRepository,
    private readonly acknowledged: (event: AlertAckEvent, owner: Owner) => void,
  ) {}

  async execute({ scope, alertId, comment, nowMs }: AcknowledgeAlertCommand): Promise<AlertItem> {
    if (!(await this.store.get(alertId, scope.filter))) throw new AlertCommandError('not_found', `alert ${alertId} not found`);
    await this.store.acknowledge(alertId, { byUsername: scope.principal.username, atMs: nowMs, comment });
    const alert = await this.alerts.get(scope, alertId);
    if (!alert) throw new AlertCommandError('not_found', `alert ${alertId} not found`);
    if (alert.ack) this.acknowledged({ alertId, vehicleId: alert.vehicleId, ack: alert.ack }, { companyId: alert.companyId, regionCode: alert.regionCode });
    return alert;
  }
}
