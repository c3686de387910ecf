import { positionV1, type PositionV1 } from '@roadwatch/contracts';
import { findLocationItem, type LocationReport } from '@roadwatch/jt808';
import { DEFAULT_SIGN_IN_MAX_MS } from '@roadwatch/rules';

/** Who sent a report, as the session knows it after authentication. */
export interface ReportingVehicle {
  terminalId: string;
  vehicleId: string;
  registered: boolean;
  plate?: string;
  plateColour?: number;
  driverId?: string;
  /** When the driver's card was last read (0x0702's time): his id goes on reports for `DEFAULT_SIGN_IN_MAX_MS` after it. */
  driverSignedInAtMs?: number;
}

export type PositionSource = PositionV1['source'];

export type MappedPosition = { ok: true; position: PositionV1 } | { ok: false; reason: string };

/**
 * One 0x0200 body (or one 0x0704 item) → a validated `positionV1`. Validated here, one by
 * one, because the bus refuses a whole publish when one value is invalid: a terminal
 * reporting latitude 95° must not sink the batch it shares with a thousand others.
 * A report whose device time is all zeros (no GNSS time yet) gets the receive time.
 */
export const toPosition = (report: LocationReport, vehicle: ReportingVehicle, source: PositionSource, receivedAtMs: number): MappedPosition => {
  const mileage = findLocationItem(report.items, 'mileage');
  const recorderSpeed = findLocationItem(report.items, 'recorder-speed');
  const satellites = findLocationItem(report.items, 'satellites');
  // Optional fields set only when present (positionV1 refuses an explicit undefined), without a spread object each.
  const candidate: Partial<PositionV1> = {
    v: 1,
    vehicleId: vehicle.vehicleId,
    terminalId: vehicle.terminalId,
    registered: vehicle.registered,
    deviceTimeMs: report.deviceTimeMs ?? receivedAtMs,
    receivedAtMs,
    latitudeDeg: report.latitudeDeg,
    longitudeDeg: report.longitudeDeg,
    altitudeM: report.altitudeM,
    speedKmh: report.speedKmh,
    headingDeg: report.directionDeg,
    alarmFlags: report.alarmFlags >>> 0,
    statusFlags: report.statusFlags >>> 0,
    accOn: report.status.accOn,
    gnssFixed: report.status.positioned,
    source,
  };
  if (vehicle.plate !== undefined) candidate.plate = vehicle.plate;
  if (vehicle.plateColour !== undefined) candidate.plateColour = vehicle.plateColour;
  // A sign-in counts 24 h after the card was last read (the rules' reading, `cardIntervalsOf`): a
  // forgotten sign-out must not put the driver on every later report, nor count his fatigue.
  const signInExpired = vehicle.driverSignedInAtMs !== undefined && (candidate.deviceTimeMs as number) >= vehicle.driverSignedInAtMs + DEFAULT_SIGN_IN_MAX_MS;
  if (vehicle.driverId !== undefined && !signInExpired) candidate.driverId = vehicle.driverId;
  if (mileage) candidate.mileageKm = mileage.mileageKm;
  if (recorderSpeed) candidate.recorderSpeedKmh = recorderSpeed.recorderSpeedKmh;
  if (satellites) candidate.satellites = satellites.satellites;
  const parsed = positionV1.safeParse(candidate);
  if (!parsed.success) return { ok: false, reason: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') };
  return { ok: true, position: parsed.data };
};
