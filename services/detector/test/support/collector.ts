import { TOPICS, type AlertV1, type OverloadViolationV1, type TerminalCommandV1, type VehicleQualityDayV1 } from '@roadwatch/contracts';
import type { Bus, Subscription } from '@roadwatch/messaging';

/** Everything the detector wrote, read back through the bus in a group of its own. */
export class OutputCollector {
  readonly alerts: AlertV1[] = [];
  readonly violations: OverloadViolationV1[] = [];
  readonly commands: TerminalCommandV1[] = [];
  readonly qualityDays: VehicleQualityDayV1[] = [];
  private subscription: Subscription | undefined;

  static async start(bus: Bus, groupId: string): Promise<OutputCollector> {
    const collector = new OutputCollector();
    collector.subscription = await bus.subscribe({
      groupId,
      topics: [TOPICS.alerts, TOPICS.overloadViolations, TOPICS.terminalCommands, TOPICS.qualityDaily],
      fromBeginning: true,
      handleBatch: async (batch) => {
        for (const message of batch.messages) {
          if (message.topic === TOPICS.alerts) collector.alerts.push(message.value);
          else if (message.topic === TOPICS.overloadViolations) collector.violations.push(message.value);
          else if (message.topic === TOPICS.terminalCommands) collector.commands.push(message.value);
          else if (message.topic === TOPICS.qualityDaily) collector.qualityDays.push(message.value);
        }
      },
    });
    return collector;
  }

  /** alertId → highest revision seen. */
  latestRevisions(): Map<string, number> {
    const latest = new Map<string, number>();
    for (const alert of this.alerts) latest.set(alert.alertId, Math.max(latest.get(alert.alertId) ?? -1, alert.revision));
    return latest;
  }

  /** alertId@revision pairs seen more than once (a re-publication of the same revision). */
  republished(): string[] {
    const seen = new Map<string, number>();
    for (const alert of this.alerts) seen.set(`${alert.alertId}@${alert.revision}`, (seen.get(`${alert.alertId}@${alert.revision}`) ?? 0) + 1);
    return [...seen].filter(([, count]) => count > 1).map(([key]) => key);
  }

  async close(): Promise<void> {
    await this.subscription?.close();
  }
}
