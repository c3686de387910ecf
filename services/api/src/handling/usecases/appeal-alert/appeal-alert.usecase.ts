import type { HandlingItem } from '@roadwatch/contracts';
import { checkAppeal } from '@roadwatch/rules';
import type { HandlingRepository } from '@roadwatch/storage';
import { runHandlingStep, type HandlingBroadcast } from '../../handling-steps';
import type { AppealAlertCommand } from './appeal-alert.command';

/**
 * `appealed (pending)` (RULES §9, §15): once per alert, not after handling. A pending appeal
 * keeps the item off the on-duty board until an operator decides; whether it was filed in
 * time (at or before the deadline) matters at the decision.
 */
export class AppealAlertUseCase {
  constructor(
    private readonly repository: HandlingRepository,
    private readonly broadcast: HandlingBroadcast,
  ) {}

  execute(command: AppealAlertCommand): Promise<HandlingItem> {
    const actor = command.scope.principal.username;
    return runHandlingStep(this.repository, this.broadcast, 'appealed', command, (facts) => {
      const check = checkAppeal(facts);
      if (!check.ok) return check;
      return {
        update: { appealState: 'pending', appealFiledAtMs: command.nowMs, appealFiledBy: actor, appealReason: command.reason },
        event: {
          atMs: command.nowMs,
          actor,
          action: 'appealed',
          details: { reason: command.reason, timely: facts.deadlineAtMs === null || command.nowMs <= facts.deadlineAtMs },
        },
      };
    });
  }
}
