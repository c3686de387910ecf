import { z } from 'zod';
import { safeString } from './safe-string';
import { epochMs, plateColour } from './common.schema';

/** One GNSS report from a terminal (0x0200, or one item of 0x0704), as put on `telemetry.positions`. */
export const positionV1 = z.object({
  v: z.literal(1),
  vehicleId: safeString().min(1),
  terminalId: safeString().min(1),
  plate: safeString().optional(),
  plateColour: plateColour.optional(),
  /** False when the terminal is not in the vehicle registry: kept, flagged, never dropped. */
  registered: z.boolean(),
  /** IC-card driver (0x0702) logged in at the time, when the terminal reports one. */
  driverId: safeString().optional(),
  deviceTimeMs: epochMs,
  receivedAtMs: epochMs,
  latitudeDeg: z.number().min(-90).max(90),
  longitudeDeg: z.number().min(-180).max(180),
  altitudeM: z.number(),
  speedKmh: z.number().nonnegative(),
  headingDeg: z.number().min(0).max(360),
  alarmFlags: z.number().int().nonnegative(),
  statusFlags: z.number().int().nonnegative(),
  accOn: z.boolean(),
  gnssFixed: z.boolean(),
  mileageKm: z.number().nonnegative().optional(),
  recorderSpeedKmh: z.number().nonnegative().optional(),
  satellites: z.number().int().nonnegative().optional(),
  /** realtime 0x0200, or 0x0704 batch (0 normal / 1 blind-area back-fill). */
  source: z.enum(['realtime', 'batch', 'blind-area']),
  // Appended fields (binary form: appended to `positionV1Avro` in the same order, optional, so older records still read).
  /** Wireless signal strength (item 0x30, 0–31; 99 = unknown): tampering I3 (RULES §15) reads it. */
  signalStrength: z.number().int().min(0).max(255).optional(),
  // Appended optional fields (Avro: appended at the end, with defaults) — keep new ones below.
  /**
   * The lower platform (JT/T 809 access code, MSG_GNSSCENTERID, in decimal) that forwarded this
   * position; absent when the terminal reported to us directly over JT/T 808.
   */
  sourcePlatform: safeString().min(1).optional(),
});
export type PositionV1 = z.infer<typeof positionV1>;
