import { positionV1, type PositionV1 } from '@roadwatch/contracts';
import { vehicleIdOf, type VehicleFacts } from '@roadwatch/domain';
import type { LinkGnssFix, LinkVehicle } from './link-messages';

/** The gateway's view of the vehicle registry: 809 names a vehicle by plate and colour. */
export interface PlateVehicleLookup {
  byPlate(plate: string, plateColour: number): VehicleFacts | undefined;
}

/** JT/T 808 status bit 0: ACC on; bit 1: positioned. 809's STATE carries the same bits. */
const ACC_ON = 0x1;
const POSITIONED = 0x2;

export type ForwardedPosition = { ok: true; position: PositionV1 } | { ok: false; reason: string };

/** The terminal id a forwarded position carries: 809 does not name the terminal, only the platform and the plate. */
export const forwardedTerminalIdOf = (accessCode: number, vehicle: LinkVehicle): string =>
  `jt809:${accessCode}:${vehicle.plate.trim().toUpperCase()}:${vehicle.plateColour}`;

/**
 * One fix of 0x1202 / 0x1203 → a validated `positionV1`, tagged with the platform that forwarded
 * it (`sourcePlatform`, the access code) and judged like any other position downstream. A
 * vehicle the registry knows by plate and colour is `registered` with its vehicle id; another
 * keeps the plate's id (`vehicleIdOf`) and is flagged `registered: false`, never dropped.
 * 0x1203 (补发) is `blind-area`, as 808's blind-area back-fill.
 */
export const toForwardedPosition = (input: {
  accessCode: number;
  vehicle: LinkVehicle;
  fix: LinkGnssFix;
  source: 'realtime' | 'blind-area';
  receivedAtMs: number;
  vehicles: PlateVehicleLookup;
}): ForwardedPosition => {
  const { vehicle, fix } = input;
  const plate = vehicle.plate.trim();
  if (plate.length === 0) return { ok: false, reason: 'VEHICLE_NO: empty plate' };
  const known = input.vehicles.byPlate(plate, vehicle.plateColour);
  const candidate: PositionV1 = {
    v: 1,
    vehicleId: known?.vehicleId ?? vehicleIdOf(plate, vehicle.plateColour),
    terminalId: forwardedTerminalIdOf(input.accessCode, vehicle),
    plate,
    plateColour: vehicle.plateColour,
    registered: known !== undefined,
    deviceTimeMs: fix.deviceTimeMs,
    receivedAtMs: input.receivedAtMs,
    latitudeDeg: fix.latitudeDeg,
    longitudeDeg: fix.longitudeDeg,
    altitudeM: fix.altitudeM,
    speedKmh: fix.speedKmh,
    headingDeg: fix.headingDeg,
    alarmFlags: fix.alarmFlags >>> 0,
    statusFlags: fix.statusFlags >>> 0,
    accOn: (fix.statusFlags & ACC_ON) !== 0,
    gnssFixed: (fix.statusFlags & POSITIONED) !== 0,
    mileageKm: fix.mileageKm,
    recorderSpeedKmh: fix.recorderSpeedKmh,
    source: input.source,
    sourcePlatform: String(input.accessCode),
  };
  const parsed = positionV1.safeParse(candidate);
  if (!parsed.success) return { ok: false, reason: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') };
  return { ok: true, position: parsed.data };
};
