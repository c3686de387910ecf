import type { HandlingItem, HandlingLiveEvent } from '@roadwatch/contracts';
import type { WorkflowRefusal } from '@roadwatch/rules';
import { handlingFactsOf, handlingItemOf, type HandlingRecord, type HandlingRepository, type HandlingStep, type Owner } from '@roadwatch/storage';
import type { Scope } from '../auth/scope';
import { HandlingCommandError } from './handling-command.error';

/** A changed item goes out live to every socket whose scope admits its owner (the company, its region's operators, admins). */
export type HandlingBroadcast = (event: HandlingLiveEvent, owner: Owner) => void;

export const ownerOfHandling = (item: Pick<HandlingItem, 'companyId' | 'regionCode'>): Owner => ({
  companyId: item.companyId,
  regionCode: item.regionCode ?? undefined,
});

/**
 * Runs one workflow step of the handling use cases: the item must be in the caller's scope
 * (else 404, the answer of an id that does not exist), `decide` checks the transition with
 * libs/rules (a refusal is a 409 naming why) and says what it writes; the step commits with
 * its event, then goes out live.
 */
export const runHandlingStep = async (
  repository: HandlingRepository,
  broadcast: HandlingBroadcast,
  change: HandlingLiveEvent['change'],
  { scope, alertId, nowMs }: { scope: Scope; alertId: string; nowMs: number },
  decide: (facts: ReturnType<typeof handlingFactsOf>, record: HandlingRecord) => HandlingStep | WorkflowRefusal | null,
): Promise<HandlingItem> => {
  const outcome = await repository.change(alertId, scope.filter, (record) => {
    const step = decide(handlingFactsOf(record), record);
    if (step && 'ok' in step) throw new HandlingCommandError('conflict', `alert ${alertId}: ${step.reason}`);
    return step;
  });
  if (!outcome) throw new HandlingCommandError('not_found', `handling item ${alertId} not found`);
  const item = handlingItemOf(outcome.record, nowMs);
  if (outcome.changed) broadcast({ change, item }, ownerOfHandling(item));
  return item;
};
