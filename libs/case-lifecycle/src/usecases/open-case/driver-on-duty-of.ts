import type { OverloadViolationV1 } from '@roadwatch/contracts';
import { cardIntervalsOf, driverOnDuty } from '@roadwatch/rules';
import type { DriverDutyReadModel, RegistryRepository } from '@roadwatch/storage';
import type { CaseDriverFinding } from './propose-case';

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The case's driver (RULES.md §13, §15 "Four parties"): `driverOnDuty` of libs/rules over the
 * vehicle's IC-card intervals [sign-in, sign-out) and the roster at the weighing instant. The
 * card wins over the roster; two drivers → none named, both candidates. An unregistered
 * vehicle has neither, so it names nobody.
 */
export const driverOnDutyOf =
  (reads: { duty: DriverDutyReadModel; registry: Pick<RegistryRepository, 'driver'> }) =>
  async (violation: OverloadViolationV1): Promise<CaseDriverFinding | undefined> => {
    const at = violation.measurement.measuredAtMs;
    const [events, shifts] = await Promise.all([reads.duty.cardEventsBefore(violation.vehicleId, at), reads.duty.shiftsAt(violation.vehicleId, at)]);
    const intervals = cardIntervalsOf(events);
    const onDuty = driverOnDuty({ cardIntervals: intervals, roster: shifts, at });
    if (onDuty.evidence === 'none') return undefined;
    const candidates = await Promise.all(
      onDuty.candidates.map(async (driverId) => {
        const record = await reads.registry.driver(driverId);
        return { driverId, ...(record ? { name: record.name } : {}) };
      }),
    );
    const evidence =
      onDuty.evidence === 'ic_card'
        ? {
            source: 'ic_card' as const,
            signIns: intervals
              .filter((c) => onDuty.candidates.includes(c.driverId) && c.signInMs <= at)
              .map((c) => ({ driverId: c.driverId, signInAtMs: c.signInMs })),
          }
        : {
            source: 'roster' as const,
            shifts: shifts
              .filter((s) => onDuty.candidates.includes(s.driverId))
              .map((s) => ({ shiftId: s.shiftId, driverId: s.driverId, fromMs: s.fromMs, toMs: s.toMs })),
          };
    const texts =
      evidence.source === 'ic_card'
        ? {
            zh: evidence.signIns.map((s) => `从业资格证 IC 卡签到 ${iso(s.signInAtMs)}（${s.driverId}），称重时未签退`).join('；'),
            en: evidence.signIns.map((s) => `IC card sign-in at ${iso(s.signInAtMs)} (${s.driverId}), not signed out at the weighing`).join('; '),
          }
        : {
            zh: evidence.shifts.map((s) => `排班 ${s.shiftId}：${s.driverId} ${iso(s.fromMs)}–${iso(s.toMs)}`).join('；'),
            en: evidence.shifts.map((s) => `roster shift ${s.shiftId}: ${s.driverId} ${iso(s.fromMs)}–${iso(s.toMs)}`).join('; '),
          };
    const named = onDuty.driverId ? await reads.registry.driver(onDuty.driverId) : undefined;
    return {
      driverId: onDuty.driverId,
      ...(named ? { name: named.name } : {}),
      ...(named?.qualificationNo ? { licenceNo: named.qualificationNo } : {}),
      evidence: { ...evidence, ...texts },
      candidates,
    };
  };
