import { positionV1, type PositionV1 } from './position.schema';
import { escapeUnsafeCharacters, unsafeCharacterIn } from './safe-string';

/**
 * The binary form of `positionV1` on `telemetry.positions`: an Avro record schema, as plain
 * data so that contracts still imports nothing but zod (libs/messaging compiles it with avsc).
 * It lists exactly the fields of `positionV1`, in its order (`position.avro.spec.ts` proves it
 * and round-trips every field): a field added to the zod schema must be added here, and a
 * change that is not Avro-compatible needs a new `POSITION_WIRE_VERSION`.
 *
 * Optional fields are `["null", T]` unions (null when absent); epoch milliseconds, flags and
 * counts are `long` (zigzag varints, exact up to 2^53); coordinates and speeds `double`, so
 * every value JSON carried before comes back bit for bit. `source` is a string: Avro enum
 * symbols cannot spell `blind-area`.
 */
const POSITION_V1_FIRST_FIELDS = [
  { name: 'v', type: 'int' },
  { name: 'vehicleId', type: 'string' },
  { name: 'terminalId', type: 'string' },
  { name: 'plate', type: ['null', 'string'], default: null },
  { name: 'plateColour', type: ['null', 'int'], default: null },
  { name: 'registered', type: 'boolean' },
  { name: 'driverId', type: ['null', 'string'], default: null },
  { name: 'deviceTimeMs', type: 'long' },
  { name: 'receivedAtMs', type: 'long' },
  { name: 'latitudeDeg', type: 'double' },
  { name: 'longitudeDeg', type: 'double' },
  { name: 'altitudeM', type: 'double' },
  { name: 'speedKmh', type: 'double' },
  { name: 'headingDeg', type: 'double' },
  { name: 'alarmFlags', type: 'long' },
  { name: 'statusFlags', type: 'long' },
  { name: 'accOn', type: 'boolean' },
  { name: 'gnssFixed', type: 'boolean' },
  { name: 'mileageKm', type: ['null', 'double'], default: null },
  { name: 'recorderSpeedKmh', type: ['null', 'double'], default: null },
  { name: 'satellites', type: ['null', 'long'], default: null },
  { name: 'source', type: 'string' },
] as const;

/**
 * Fields appended since the first release, each optional with a null default, in the zod
 * schema's order. A record written before a field existed ends early; the codec reads it with
 * that writer's shorter field list (every prefix from `POSITION_V1_FIRST_FIELD_COUNT` on), the
 * fields it lacks absent — so appending an optional field needs no new `POSITION_WIRE_VERSION`.
 */
const POSITION_V1_APPENDED_FIELDS = [
  { name: 'signalStrength', type: ['null', 'long'], default: null },
  { name: 'sourcePlatform', type: ['null', 'string'], default: null },
] as const;

export const positionV1Avro = {
  type: 'record',
  name: 'PositionV1',
  namespace: 'roadwatch.telemetry',
  fields: [...POSITION_V1_FIRST_FIELDS, ...POSITION_V1_APPENDED_FIELDS],
} as const;

/** How many of `positionV1Avro`'s fields the first version-1 writers wrote (through `source`). */
export const POSITION_V1_FIRST_FIELD_COUNT = POSITION_V1_FIRST_FIELDS.length;

/**
 * The wire version byte of a binary position (after `BINARY_RECORD_MARKER`): 1 = `positionV1Avro`.
 * A consumer refuses a version it does not know (dead-lettered with that reason) rather than guess.
 */
export const POSITION_WIRE_VERSION = 1;

/**
 * First byte of every binary record on an internal topic. 0xFF never occurs in UTF-8, so a
 * binary record is never mistaken for JSON (which starts with `{`), and a dead letter of one
 * always keeps its bytes as base64.
 */
export const BINARY_RECORD_MARKER = 0xff;

const OPTIONAL_FIELDS = ['plate', 'plateColour', 'driverId', 'mileageKm', 'recorderSpeedKmh', 'satellites', 'signalStrength', 'sourcePlatform'] as const;
const SOURCES: ReadonlySet<string> = new Set(positionV1.shape.source.options);

const isCount = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;
const isNonNegative = (n: number): boolean => n >= 0 && n !== Infinity;
const unsafeIn = (field: string, value: string | null | undefined): string | undefined => {
  if (value === null || value === undefined) return undefined;
  const why = unsafeCharacterIn(value);
  return why === undefined ? undefined : `${field}: ${why}`;
};

/**
 * The cheap checks a consumer runs on a position decoded from the binary form, instead of a
 * zod parse: the producer validated it with `positionV1` at the edge, and the Avro decoder
 * already guarantees every field's type. What remains is what Avro cannot say — ranges,
 * non-empty ids, the `source` values, finite numbers (Avro doubles can carry NaN) and safe
 * strings (a NUL would stall PostgreSQL, issue #10) — so a foreign or corrupted record is
 * still refused with the field named. Turns the decoder's nulls into absent fields, in place.
 * Returns the reason, or undefined when the position is fine.
 */
export const checkDecodedPosition = (position: Record<string, unknown>): string | undefined => {
  for (const field of OPTIONAL_FIELDS) if (position[field] === null) position[field] = undefined;
  const p = position as unknown as PositionV1;
  if (p.v !== 1) return `v: expected 1, got ${String(p.v)}`;
  if (p.vehicleId.length === 0) return 'vehicleId: must not be empty';
  if (p.terminalId.length === 0) return 'terminalId: must not be empty';
  if (p.plateColour !== undefined && !(p.plateColour >= 0 && p.plateColour <= 255)) return `plateColour: ${p.plateColour} is not within 0…255`;
  if (!isCount(p.deviceTimeMs)) return `deviceTimeMs: ${p.deviceTimeMs} is not epoch milliseconds`;
  if (!isCount(p.receivedAtMs)) return `receivedAtMs: ${p.receivedAtMs} is not epoch milliseconds`;
  if (!(p.latitudeDeg >= -90 && p.latitudeDeg <= 90)) return `latitudeDeg: ${p.latitudeDeg} is not within -90…90`;
  if (!(p.longitudeDeg >= -180 && p.longitudeDeg <= 180)) return `longitudeDeg: ${p.longitudeDeg} is not within -180…180`;
  if (!Number.isFinite(p.altitudeM)) return `altitudeM: ${p.altitudeM} is not a finite number`;
  if (!isNonNegative(p.speedKmh)) return `speedKmh: ${p.speedKmh} is not a non-negative number`;
  if (!(p.headingDeg >= 0 && p.headingDeg <= 360)) return `headingDeg: ${p.headingDeg} is not within 0…360`;
  if (!isCount(p.alarmFlags)) return `alarmFlags: ${p.alarmFlags} is not a non-negative integer`;
  if (!isCount(p.statusFlags)) return `statusFlags: ${p.statusFlags} is not a non-negative integer`;
  if (p.mileageKm !== undefined && !isNonNegative(p.mileageKm)) return `mileageKm: ${p.mileageKm} is not a non-negative number`;
  if (p.recorderSpeedKmh !== undefined && !isNonNegative(p.recorderSpeedKmh)) return `recorderSpeedKmh: ${p.recorderSpeedKmh} is not a non-negative number`;
  if (p.satellites !== undefined && !isCount(p.satellites)) return `satellites: ${p.satellites} is not a non-negative integer`;
  if (p.signalStrength !== undefined && !(isCount(p.signalStrength) && p.signalStrength <= 255))
    return `signalStrength: ${p.signalStrength} is not within 0…255`;
  if (!SOURCES.has(p.source)) return `source: "${escapeUnsafeCharacters(p.source)}" is not one of ${[...SOURCES].join(', ')}`;
  if (p.sourcePlatform !== undefined && p.sourcePlatform.length === 0) return 'sourcePlatform: must not be empty';
  return (
    unsafeIn('vehicleId', p.vehicleId) ??
    unsafeIn('terminalId', p.terminalId) ??
    unsafeIn('plate', p.plate) ??
    unsafeIn('driverId', p.driverId) ??
    unsafeIn('sourcePlatform', p.sourcePlatform)
  );
};
