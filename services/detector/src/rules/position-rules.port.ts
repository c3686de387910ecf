import type { AlertV1, PositionV1, VehicleQualityDayV1 } from '@roadwatch/contracts';
import type { VehicleFacts } from '@roadwatch/domain';

/**
 * What the detector needs from the position rules (libs/rules): a per-vehicle pipeline over
 * JSON-serialisable state. The detector owns where the state lives (memory per partition,
 * checkpointed); the rules own what it means. Alerts carry deterministic ids, so the same
 * input processed twice (after a crash) yields the same ids and revisions.
 *
 * The state is opaque here. Implementations may mutate the state they are given — the
 * detector never reuses a state object after a failed batch (it reloads the checkpoint).
 */
export interface PositionRuleResult {
  state: unknown;
  alerts: AlertV1[];
  /**
   * Data-quality counters to publish on `quality.daily`: the final counters of local days
   * that ended, and (timer) snapshots of the open day. Derived from the input alone on the
   * position path, so a replay republishes the same messages.
   */
  qualityDays: VehicleQualityDayV1[];
}

export interface PositionRules {
  /** One position for one vehicle; `state` is undefined for a vehicle seen for the first time. */
  process(facts: VehicleFacts, state: unknown, position: PositionV1, nowMs: number): PositionRuleResult;
  /**
   * The timer, given the wall clock: releases positions the rules held for a late blind-area
   * back-fill once their lateness window passed (a vehicle that went quiet after a silence),
   * then alerts for a vehicle silent too long, then a snapshot of the open day's quality
   * counters when one is due. Returns the given state when nothing changed.
   */
  checkOffline(facts: VehicleFacts, state: unknown, nowMs: number): PositionRuleResult;
}
