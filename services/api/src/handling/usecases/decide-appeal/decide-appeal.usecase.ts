import type { HandlingItem } from '@roadwatch/contracts';
import { decideAppeal } from '@roadwatch/rules';
import type { HandlingRepository } from '@roadwatch/storage';
import { runHandlingStep, type HandlingBroadcast } from '../../handling-steps';
import type { DecideAppealCommand } from './decide-appeal.command';

/**
 * `appealed → accepted | rejected` (RULES §15): accepted removes the alert from 处理率; a
 * timely appeal rejected gives a fresh window of the same length from the rejection (the item
 * leaves the on-duty board until that passes); one filed after the deadline changes nothing.
 */
export class DecideAppealUseCase {
  constructor(
    private readonly repository: HandlingRepository,
    private readonly broadcast: HandlingBroadcast,
  ) {}

  execute(command: DecideAppealCommand): Promise<HandlingItem> {
    const actor = command.scope.principal.username;
    return runHandlingStep(this.repository, this.broadcast, 'decided', command, (facts) => {
      const decided = decideAppeal(facts, command.decision, command.nowMs);
      if (!decided.ok) return decided;
      const renewed = decided.deadlineAtMs !== facts.deadlineAtMs;
      return {
        update: {
          appealState: command.decision,
          appealDecidedAtMs: command.nowMs,
          appealDecidedBy: actor,
          appealDecisionComment: command.comment,
          // A fresh window: off the board until it passes, then escalated again.
          ...(renewed ? { deadlineAtMs: decided.deadlineAtMs, escalatedAtMs: null } : {}),
        },
        event: {
          atMs: command.nowMs,
          actor,
          action: `appeal_${command.decision}`,
          details: { comment: command.comment, deadlineAtMs: decided.deadlineAtMs, freshWindow: renewed },
        },
      };
    });
  }
}
