import type { HandlingItem } from '@roadwatch/contracts';
import { checkHandle } from '@roadwatch/rules';
import type { HandlingRepository } from '@roadwatch/storage';
import { runHandlingStep, type HandlingBroadcast } from '../../handling-steps';
import type { HandleAlertCommand } from './handle-alert.command';

/**
 * `→ handled` (RULES §9, §15): the measure, who, when and a comment. Once only (a second time
 * is a 409); not while an appeal is pending or after it was accepted. Late handling is still
 * handling (it stays in 处理率's denominator only); an item viewed or not may be handled.
 */
export class HandleAlertUseCase {
  constructor(
    private readonly repository: HandlingRepository,
    private readonly broadcast: HandlingBroadcast,
  ) {}

  execute(command: HandleAlertCommand): Promise<HandlingItem> {
    const actor = command.scope.principal.username;
    return runHandlingStep(this.repository, this.broadcast, 'handled', command, (facts, record) => {
      const check = checkHandle(facts);
      if (!check.ok) return check;
      return {
        update: {
          state: 'handled',
          handledAtMs: command.nowMs,
          handledBy: actor,
          measure: command.measure,
          handlingComment: command.comment,
          // Viewing is implied by handling: an item handled straight from the list was seen.
          ...(record.viewedAtMs === null ? { viewedAtMs: command.nowMs, viewedBy: actor } : {}),
        },
        event: {
          atMs: command.nowMs,
          actor,
          action: 'handled',
          details: { measure: command.measure, comment: command.comment, onTime: facts.deadlineAtMs === null || command.nowMs <= facts.deadlineAtMs },
        },
      };
    });
  }
}
