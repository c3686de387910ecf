import { driverShiftRequest, type DriverShiftRequest, type FieldIssue } from '@roadwatch/contracts';

/** China Standard Time has no daylight saving: +08:00 all year. */
const CHINA_OFFSET = '+08:00';
const LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

/** A `datetime-local` value ('YYYY-MM-DDTHH:mm'), read as China time, to epoch ms; NaN when it is not one. */
export const chinaLocalToMs = (value: string): number => (LOCAL.test(value) ? Date.parse(`${value}:00${CHINA_OFFSET}`) : Number.NaN);

/** Epoch ms as a `datetime-local` value in China time. */
export const msToChinaLocal = (ms: number): string => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16);

export interface ShiftForm {
  driverId: string;
  vehicleId: string;
  startsAt: string;
  endsAt: string;
}

/** The form as the API's request, checked against the contract before it is sent; the issues name the form's fields. */
export const shiftRequestOf = (form: ShiftForm): { ok: true; request: DriverShiftRequest } | { ok: false; issues: FieldIssue[] } => {
  const parsed = driverShiftRequest.safeParse({
    driverId: form.driverId.trim(),
    vehicleId: form.vehicleId,
    startsAtMs: chinaLocalToMs(form.startsAt),
    endsAtMs: chinaLocalToMs(form.endsAt),
  });
  if (parsed.success) return { ok: true, request: parsed.data };
  const fieldOf: Record<string, keyof ShiftForm> = { startsAtMs: 'startsAt', endsAtMs: 'endsAt', driverId: 'driverId', vehicleId: 'vehicleId' };
  return {
    ok: false,
    issues: parsed.error.issues.map((i) => ({ field: fieldOf[String(i.path[0])] ?? String(i.path[0] ?? ''), message: i.message })),
  };
};
