import type { FatigueState } from '../fatigue/fatigue.rule';
import type { MotionState } from '../motion/motion-model';
import type { NightBanState } from '../night-ban/night-ban.rule';
import type { DriftState, QualityCounters } from '../quality/data-quality.rule';
import type { SpeedingState } from '../speeding/speeding.rule';
import {
  NONE,
  VEHICLE_STATE_VERSION,
  type AcceptedPoint,
  type HeldPosition,
  type MovedGap,
  type QualitySnapshotMark,
  type VehicleIdentity,
  type VehicleRuleState,
} from './vehicle-state';

/**
 * The vehicle state as checkpointed: `encodeVehicleState` gives the JSON value to store,
 * `decodeVehicleState` reads one back — of this version, or of an older one brought up to it
 * by `MIGRATIONS`, one step per version. A checkpoint that is not a vehicle state, or that a
 * newer version wrote, is refused with a `VehicleStateDecodeError` naming what is wrong.
 */

/** Version 1: the flat shape checkpointed before the two-stage pipeline (`v: 1`); the optional fields are absent in its older checkpoints. */
export interface VehicleRuleStateV1 {
  v: 1;
  identity: VehicleIdentity;
  watermarkMs: number | null;
  recent: number[];
  lastReceivedAtMs: number | null;
  lastAccepted: AcceptedPointV2 | null;
  drift: DriftState;
  invalidRunStartMs: number | null;
  offlineSinceMs: number | null;
  motion: MotionState;
  speeding: SpeedingState;
  fatigue: FatigueState;
  nightBan: NightBanStateV2;
  quality: QualityCounters;
  held?: HeldPosition[];
  qualitySnapshot?: QualitySnapshotMark;
  movedGaps?: MovedGap[];
  holes?: Array<[number, number]>;
  lateHeld?: HeldPosition[];
}

/** Up to version 2 the last accepted report kept the road classes matched there, for the configured time-window bans. */
type AcceptedPointV2 = AcceptedPoint & { roadClasses?: string[] };
/** Up to version 2 the night rule kept a tally per configured time-window ban. */
type NightBanStateV2 = NightBanState & { bans?: Record<string, unknown> };

export class VehicleStateDecodeError extends Error {
  override readonly name = 'VehicleStateDecodeError';
}

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Checks that `raw` has every field named, of the kind given; throws naming the first that is not. */
const require = (raw: Json, where: string, fields: Record<string, 'object' | 'array' | 'number|null' | 'object|null' | 'string'>): void => {
  for (const [field, kind] of Object.entries(fields)) {
    const value = raw[field];
    const ok =
      kind === 'object'
        ? isObject(value)
        : kind === 'array'
          ? Array.isArray(value)
          : kind === 'string'
            ? typeof value === 'string'
            : kind === 'number|null'
              ? value === null || (typeof value === 'number' && Number.isFinite(value))
              : value === null || isObject(value);
    if (!ok)
      throw new VehicleStateDecodeError(
        `vehicle state${where}: ${field} should be ${kind}, is ${value === undefined ? 'absent' : JSON.stringify(value)?.slice(0, 80)}`,
      );
  }
};

/** Each migration takes a checkpoint of version `from` to `from + 1`. */
interface Migration {
  from: number;
  migrate(raw: Json): Json;
}

const MIGRATIONS: readonly Migration[] = [
  {
    // v1 → v2: the flat state split into the ordering stage's part, the track every rule reads,
    // and one slice per rule; fields older checkpoints lack get their empty value.
    from: 1,
    migrate(raw) {
      require(raw, ' v1', {
        identity: 'object',
        watermarkMs: 'number|null',
        recent: 'array',
        lastReceivedAtMs: 'number|null',
        lastAccepted: 'object|null',
        drift: 'object',
        invalidRunStartMs: 'number|null',
        offlineSinceMs: 'number|null',
        motion: 'object',
        speeding: 'object',
        fatigue: 'object',
        nightBan: 'object',
        quality: 'object',
      });
      const v1 = raw as unknown as VehicleRuleStateV1;
      const v2 = {
        version: 2,
        identity: v1.identity,
        lastReceivedAtMs: v1.lastReceivedAtMs,
        ordering: { watermarkMs: v1.watermarkMs, recent: v1.recent, held: v1.held ?? NONE, holes: v1.holes ?? NONE, lateHeld: v1.lateHeld ?? NONE },
        track: { lastAccepted: v1.lastAccepted, drift: v1.drift, motion: v1.motion },
        rules: {
          quality: { counters: v1.quality, invalidRunStartMs: v1.invalidRunStartMs, movedGaps: v1.movedGaps ?? NONE, snapshot: v1.qualitySnapshot ?? null },
          speeding: v1.speeding,
          fatigue: v1.fatigue,
          nightBan: v1.nightBan,
          offline: { sinceMs: v1.offlineSinceMs },
          routes: null,
        },
      };
      return v2 as unknown as Json;
    },
  },
  {
    // v2 → v3: the configured time-window bans left the detector (they are administered area
    // bans, judged by services/enforcement): the road classes kept on the last accepted report
    // and the night rule's per-ban tallies go; nothing else changes.
    from: 2,
    migrate(raw) {
      require(raw, ' v2', { track: 'object', rules: 'object' });
      const track = raw['track'] as Json;
      const rules = raw['rules'] as Json;
      require(rules, ' v2 .rules', { nightBan: 'object' });
      const lastAccepted = track['lastAccepted'];
      const { roadClasses: _roadClasses, ...point } = (isObject(lastAccepted) ? lastAccepted : {}) as Json;
      const { bans: _bans, ...nightBan } = rules['nightBan'] as Json;
      return {
        ...raw,
        version: 3,
        track: { ...track, lastAccepted: isObject(lastAccepted) ? point : (lastAccepted ?? null) },
        rules: { ...rules, nightBan },
      };
    },
  },
];

const versionOf = (raw: Json): number => {
  if (raw['version'] !== undefined) {
    const version = raw['version'];
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
      throw new VehicleStateDecodeError(`vehicle state: version should be a positive integer, is ${JSON.stringify(version)}`);
    return version;
  }
  // Version 1 predates the field and said `v: 1`.
  if (raw['v'] === 1) return 1;
  throw new VehicleStateDecodeError('vehicle state: no version (neither `version` nor the v1 `v: 1`)');
};

/** The state as it is checkpointed: plain JSON, its version inside. */
export const encodeVehicleState = (state: VehicleRuleState): unknown => state;

export const decodeVehicleState = (raw: unknown): VehicleRuleState => {
  if (!isObject(raw))
    throw new VehicleStateDecodeError(`vehicle state: should be an object, is ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw}`);
  let version = versionOf(raw);
  if (version > VEHICLE_STATE_VERSION)
    throw new VehicleStateDecodeError(`vehicle state: version ${version} was written by a newer release (this one reads up to ${VEHICLE_STATE_VERSION})`);
  let state = raw;
  for (; version < VEHICLE_STATE_VERSION; version++) {
    const step = MIGRATIONS.find((m) => m.from === version);
    if (!step) throw new VehicleStateDecodeError(`vehicle state: no migration from version ${version}`);
    state = step.migrate(state);
  }
  require(state, '', { identity: 'object', lastReceivedAtMs: 'number|null', ordering: 'object', track: 'object', rules: 'object' });
  require(state['identity'] as Json, '.identity', { vehicleId: 'string' });
  require(state['ordering'] as Json, '.ordering', { watermarkMs: 'number|null', recent: 'array', held: 'array', holes: 'array', lateHeld: 'array' });
  require(state['track'] as Json, '.track', { lastAccepted: 'object|null', drift: 'object', motion: 'object' });
  require(state['rules'] as Json, '.rules', { quality: 'object', speeding: 'object', fatigue: 'object', nightBan: 'object', offline: 'object' });
  require((state['rules'] as Json)['quality'] as Json, '.rules.quality', {
    counters: 'object',
    invalidRunStartMs: 'number|null',
    movedGaps: 'array',
    snapshot: 'object|null',
  });
  require((state['rules'] as Json)['offline'] as Json, '.rules.offline', { sinceMs: 'number|null' });
  return state as unknown as VehicleRuleState;
};
