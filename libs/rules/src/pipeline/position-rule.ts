import type { AlertV1, PositionV1 } from '@roadwatch/contracts';
import type { RoadSegmentLimit, VehicleFacts } from '@roadwatch/domain';
import type { RulesConfig } from '../common/rules-config';
import type { MotionInterval } from '../motion/motion-model';
import type { RegistryNotice, RelayLookup } from '../night-ban/night-ban.rule';
import type { DriverTimeLookup } from '../fatigue/fatigue.rule';
import type { InvalidReason, QualityCounters, TimedFix } from '../quality/data-quality.rule';
import type { RoadIndex } from '../roads/road-index';
import type { RouteLookup } from '../routes/route-watch.rule';
import type { DriverSource, RosterDriverLookup } from './roster-drivers';
import type { AcceptedPoint, RuleStates, VehicleIdentity } from './vehicle-state';

export interface PipelineContext {
  /** The clock for the "time ≤ now + skew" check; defaults to the position's receivedAtMs (deterministic on replay). */
  nowMs?: number;
  roads?: RoadIndex;
  relays?: RelayLookup;
  /** Each vehicle's approved routes (RULES.md §11); none: no vehicle is judged against a route. */
  routes?: RouteLookup;
  /** A driver's fatigue time from another vehicle (the detector's driver-time store): fatigue per driver across vehicles. */
  driverTimes?: DriverTimeLookup;
  /**
   * The company's shift roster (RULES.md §13): the driver of a report that carries no IC-card
   * driver, by vehicle and device time; none: such a report is counted per vehicle.
   */
  roster?: RosterDriverLookup;
}

/**
 * A report as the rules see it, in device-time order, after the §6 valid-record check, drift
 * and the motion model — what every rule reads, read once.
 */
export type TrackedReport =
  | { kind: 'invalid'; position: PositionV1; reasons: InvalidReason[]; timePlausible: boolean }
  | { kind: 'drift'; position: PositionV1; point: TimedFix; impliedKmh: number; previous: AcceptedPoint | null }
  | {
      kind: 'accepted';
      position: PositionV1;
      point: TimedFix;
      /** The accepted report before this one (null for the first). */
      previous: AcceptedPoint | null;
      roads: RoadSegmentLimit[];
      /** The time since the previous accepted report, classified (null for the first). */
      interval: MotionInterval | null;
      /** `driver:<id>` (the IC card's, else the roster's) or `vehicle`. */
      subject: string;
      /** The subject's driver and where he came from; absent for `vehicle`. */
      driverId?: string;
      driverSource?: DriverSource;
    };

export interface RuleContext {
  facts: VehicleFacts;
  config: RulesConfig;
  pipeline: PipelineContext;
}

/**
 * A report the ordering stage did not feed: an exact retransmission, or a late one — at or
 * before the watermark on arrival (newer data was fed first), or when fed (the same device
 * time as one fed just before).
 */
export interface UnfedReport {
  position: PositionV1;
  why: 'duplicate' | 'late_on_arrival' | 'late';
}

/** What a rule's due time depends on besides its slice. */
export interface DueContext {
  config: RulesConfig;
  /** The newest receipt of any report of the vehicle. */
  lastReceivedAtMs: number | null;
}

export interface TickContext extends DueContext {
  /** The facts the vehicle's own reports carried (its identity), the offline alert's subject. */
  facts: VehicleFacts;
  identity: VehicleIdentity;
}

export interface RuleStep<S> {
  state: S;
  alerts: AlertV1[];
  notices?: RegistryNotice[];
  /** Quality counters of local days that ended (final). */
  closedDays?: QualityCounters[];
  /** A snapshot of the open day's counters (not final). */
  openDay?: QualityCounters;
}

/**
 * One position rule over its own typed slice of the vehicle's state. `onReport` sees every
 * report the ordering stage feeds, in device-time order; the optional hooks see what the rule
 * needs besides: every receipt (`onReceived`, before ordering), reports it did not feed (`onUnfed`), the
 * detector's clock (`onTick`, with `dueMs`: when `onTick` next has something to do, so the
 * timer touches only due vehicles — never later than that, earlier is harmless). A hook
 * returns the state it was given when nothing changed.
 */
export interface PositionRule<S> {
  initial(facts: VehicleFacts): S;
  onReport(state: S, report: TrackedReport, ctx: RuleContext): RuleStep<S>;
  onReceived?(state: S, position: PositionV1, ctx: RuleContext): RuleStep<S>;
  onUnfed?(state: S, report: UnfedReport, ctx: RuleContext): RuleStep<S>;
  onTick?(state: S, nowMs: number, ctx: TickContext): RuleStep<S>;
  dueMs?(state: S, ctx: DueContext): number | null;
}

/** The rules by the name of their slice: `rules[name]` of the vehicle state is `PositionRule<RuleStates[name]>`'s. */
export type PositionRuleSet = { readonly [K in keyof RuleStates]: PositionRule<RuleStates[K]> };
