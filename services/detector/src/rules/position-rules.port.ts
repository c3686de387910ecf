import type { AlertV1, PositionV1, VehicleQualityDayV1 } from '@roadwatch/contracts';
import type { VehicleFacts } from '@roadwatch/domain';
import type { DriverTimeCarry, DriverTimeLookup } from '@roadwatch/rules';

/**
 * What the detector needs from the position rules (libs/rules): a per-vehicle pipeline over
 * JSON-serialisable state. The detector owns where the state lives (memory per partition,
 * checkpointed); the rules own what it means. Alerts carry deterministic ids, so the same
 * input processed twice (after a crash) yields the same ids and revisions.
 *
 * The state is opaque here, the rules' own versioned shape: `decodeState` reads a checkpoint
 * back (migrating an older one). Implementations may mutate the state they are given — the
 * detector never reuses a state object after a failed batch (it reloads the checkpoint).
 */
export interface PositionRuleResult {
  /** null (timer only): the vehicle's state is dropped (idle too long). */
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
  process(facts: VehicleFacts, state: unknown, position: PositionV1, nowMs: number, driverTimes?: DriverTimeLookup): PositionRuleResult;
  /** The time of every driver the vehicle's state holds, for the driver-time store (fatigue per driver across vehicles). */
  driverTimesOf(state: unknown): DriverTimeCarry[];
  /**
   * The driver the rules will count a position for, as the driver-time store keys him — its IC
   * card's, else the roster's (RULES §13) — so his carried time is read before the batch.
   * Absent: the position's own `driverId`.
   */
  driverOf?(position: PositionV1): string | undefined;
  /**
   * The timer, given the wall clock: whatever is due for the vehicle — held positions whose
   * lateness window passed, the offline alert, a snapshot of the open day's quality counters,
   * the idle limit (state null: drop it). Returns the given state when nothing changed.
   */
  tick(facts: VehicleFacts, state: unknown, nowMs: number): PositionRuleResult;
  /** When `tick` next has something to do for the vehicle (null: not before its next position); never later than that. */
  dueMs(facts: VehicleFacts, state: unknown): number | null;
  /** A checkpointed state read back; throws, naming the problem, when it is not one. */
  decodeState(raw: unknown): unknown;
}
