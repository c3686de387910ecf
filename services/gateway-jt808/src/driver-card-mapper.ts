import { driverCardEventV1, parseWith, type DriverCardEventV1 } from '@roadwatch/contracts';
import { IcCardStatus, type DriverIdentity } from '@roadwatch/jt808';
import type { ReportingVehicle } from './position-mapper';

export type MappedDriverCard = { ok: true; event: DriverCardEventV1 } | { ok: false; reason: string };

/**
 * A decoded 0x0702 as `drivers.card-events` carries it, with the vehicle the terminal is bound
 * to. A report without a time (all-zero BCD) is dated at its receipt. A report failing the
 * contract is refused (answered 0x8001 "bad message"), never published half-right.
 */
export const toDriverCardEvent = (body: DriverIdentity, vehicle: ReportingVehicle, receivedAtMs: number): MappedDriverCard => {
  const event: DriverCardEventV1['event'] = body.cardStatus !== IcCardStatus.Inserted ? 'sign_out' : body.card !== null ? 'sign_in' : 'read_failed';
  const candidate: Record<string, unknown> = {
    v: 1,
    terminalId: vehicle.terminalId,
    vehicleId: vehicle.vehicleId,
    registered: vehicle.registered,
    reportedAtMs: body.eventTimeMs ?? receivedAtMs,
    receivedAtMs,
    event,
  };
  if (vehicle.plate !== undefined) candidate['plate'] = vehicle.plate;
  if (vehicle.plateColour !== undefined) candidate['plateColour'] = vehicle.plateColour;
  if (body.readResult !== null) candidate['readResult'] = body.readResult;
  const card = body.card;
  if (card) {
    if (card.driverName) candidate['driverName'] = card.driverName;
    if (card.qualificationCode) candidate['qualificationNo'] = card.qualificationCode;
    if (card.issuingAuthority) candidate['issuingAuthority'] = card.issuingAuthority;
    if (card.certificateExpiry) candidate['cardValidUntil'] = card.certificateExpiry;
    if (card.driverIdNumber) candidate['idCardNo'] = card.driverIdNumber;
  }
  const parsed = parseWith(driverCardEventV1, candidate);
  return parsed.ok ? { ok: true, event: parsed.value } : { ok: false, reason: parsed.reason };
};
