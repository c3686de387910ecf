import type { HandlingItem } from '@roadwatch/contracts';
import { checkView } from '@roadwatch/rules';
import type { HandlingRepository } from '@roadwatch/storage';
import { runHandlingStep, type HandlingBroadcast } from '../../handling-steps';
import type { ViewHandlingItemCommand } from './view-handling-item.command';

/** `notified → viewed` (RULES §9), recording who and when; a later view changes nothing and records nothing. */
export class ViewHandlingItemUseCase {
  constructor(
    private readonly repository: HandlingRepository,
    private readonly broadcast: HandlingBroadcast,
  ) {}

  execute(command: ViewHandlingItemCommand): Promise<HandlingItem> {
    const actor = command.scope.principal.username;
    return runHandlingStep(this.repository, this.broadcast, 'viewed', command, (facts) =>
      checkView(facts).changed
        ? {
            update: { state: 'viewed', viewedAtMs: command.nowMs, viewedBy: actor },
            event: { atMs: command.nowMs, actor, action: 'viewed', details: {} },
          }
        : null,
    );
  }
}
