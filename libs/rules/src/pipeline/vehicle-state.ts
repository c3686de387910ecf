import type { PositionV1 } from '@roadwatch/contracts';
import type { VehicleFacts } from '@roadwatch/domain';
import type { FatigueState } from '../fatigue/fatigue.rule';
import { initialMotionState, type MotionState } from '../motion/motion-model';
import type { NightBanState } from '../night-ban/night-ban.rule';
import type { DriftState, QualityCounters, TimedFix } from '../quality/data-quality.rule';
import type { SpeedingState } from '../speeding/speeding.rule';
import type { RouteWatchState } from '../routes/route-watch';

/**
 * The per-vehicle state of the pipeline: one plain-JSON object, checkpointed atomically, in
 * three owners' parts — the ordering stage's (`ordering`), the shared reading of the track
 * every rule reads (`track`), and one typed slice per position rule (`rules`). Every field is
 * always present; a checkpoint of an older shape is brought to this one by
 * `decodeVehicleState`'s migrations, never read with optional fields.
 */
export const VEHICLE_STATE_VERSION = 3;

export interface VehicleIdentity {
  vehicleId: string;
  plate?: string;
  plateColour?: number;
  companyId?: string;
  regionCode?: string;
}

/** The last accepted report, as the next one's rules read it. */
export type AcceptedPoint = TimedFix;

export interface HeldPosition {
  position: PositionV1;
  /**
   * Held because a silence precedes it: released only once its window has passed (a back-fill
   * for the silence may still be coming, item by item). Reports after an anchor are released
   * as soon as nothing silent or back-filled lies between them and the last report fed.
   */
  anchor: boolean;
  /**
   * A 0x0704 blind-area report, or one that arrived after a newer report of the vehicle: part
   * of a back-fill, whose older reports may still be coming (a batch in reverse order, or
   * split in several), so it waits for its window or a newer report's.
   */
  backfill?: true;
}

/** The ordering stage's part: what was fed, what waits, what a late report may fill. */
export interface OrderingState {
  /** Device time of the newest report fed whose time could be believed; older ones are late. */
  watermarkMs: number | null;
  /** Hashes of the most recent reports fed, to tell a retransmission from a late report. */
  recent: number[];
  /** Positions held for a possible blind-area back-fill, in device-time order. */
  held: HeldPosition[];
  /**
   * The latest holes of the fed track (newest last, at most HOLES_KEPT): consecutive fed
   * reports more than `lateness.minHoleMs` apart, as [fromMs, toMs]. A late report strictly
   * inside one is new data (a blind-area back-fill), not a retransmission of a report already judged.
   */
  holes: Array<[number, number]>;
  /** Late reports that fill a hole, in device-time order, gathered for the window and judged as one stretch. */
  lateHeld: HeldPosition[];
}

/** What every rule reads of the track: the last report the rules accepted, drift and motion. */
export interface TrackState {
  lastAccepted: AcceptedPoint | null;
  drift: DriftState;
  motion: MotionState;
}

/** A gap the vehicle moved through, as flagged: what its alert was built from. */
export interface MovedGap {
  startMs: number;
  endMs: number;
  raisedAtMs: number;
  distanceM: number;
  driverId?: string;
  from: { deviceTimeMs: number; latitudeDeg: number; longitudeDeg: number; speedKmh: number };
  to: { deviceTimeMs: number; latitudeDeg: number; longitudeDeg: number; speedKmh: number };
  /** Device time of the first late report found inside it, once one came. */
  backfilledAtMs?: number;
}

/** The last snapshot of the open day's counters that went out: its date, `reportsCounted` and the detector's clock. */
export interface QualitySnapshotMark {
  date: string;
  reports: number;
  atMs: number;
}

export interface QualityRuleState {
  /** The open local day's counters (数据合格率, 漂移率, 轨迹完整率). */
  counters: QualityCounters;
  /** Device time of the first invalid report of the current run of invalid ones. */
  invalidRunStartMs: number | null;
  /** The latest gaps moved through (newest last, at most MOVED_GAPS_KEPT): a late report inside one revises its alert. */
  movedGaps: MovedGap[];
  /** Null until the timer first sees the vehicle (then armed with date '' at the vehicle's phase). */
  snapshot: QualitySnapshotMark | null;
}

export interface OfflineRuleState {
  /** Silence start (last receipt) for which an offline alert is out. */
  sinceMs: number | null;
}

/** One slice per position rule, by the rule's name (`POSITION_RULES`). */
export interface RuleStates {
  quality: QualityRuleState;
  speeding: SpeedingState;
  fatigue: FatigueState;
  nightBan: NightBanState;
  offline: OfflineRuleState;
  /** Off-route episodes and 班线 stops (RULES §11, §15); null for a vehicle without routes (and in checkpoints older than the rule). */
  routes: RouteWatchState | null;
}

export interface VehicleRuleState {
  version: typeof VEHICLE_STATE_VERSION;
  identity: VehicleIdentity;
  /** The newest receipt of any report of the vehicle (the vehicle's own clock). */
  lastReceivedAtMs: number | null;
  ordering: OrderingState;
  track: TrackState;
  rules: RuleStates;
}

export const identityOf = (facts: VehicleFacts): VehicleIdentity => ({
  vehicleId: facts.vehicleId,
  plate: facts.plate,
  plateColour: facts.plateColour,
  ...(facts.companyId !== undefined ? { companyId: facts.companyId } : {}),
  ...(facts.regionCode !== undefined ? { regionCode: facts.regionCode } : {}),
});

/**
 * The one empty list every empty list of the state starts as, or goes back to: the state's
 * lists are replaced, never changed in place (frozen, so a change in place would throw), and a
 * fleet of vehicles holding nothing shares it instead of four empty arrays each.
 */
export const NONE = Object.freeze([]) as unknown as never[];

export const initialOrderingState = (): OrderingState => ({ watermarkMs: null, recent: NONE, held: NONE, holes: NONE, lateHeld: NONE });
export const initialTrackState = (): TrackState => ({ lastAccepted: null, drift: { candidate: null }, motion: initialMotionState() });
