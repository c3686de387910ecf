import { driverIdOfSubject } from '../common/alerts';
import type { DriverTimeCarry } from '../fatigue/fatigue.rule';
import type { VehicleRuleState } from './vehicle-state';

/**
 * The fatigue time of every driver a vehicle's state holds, as it stands at his last report on
 * it — what the detector writes to its driver-time store so another vehicle can carry it on
 * (RULES.md §2, §13). His last report is the track's last when that is his; otherwise the end
 * of his last driving (the stop he may have made before leaving is not seen: the doubt is his
 * only until the next vehicle shows the rest, which then counts in full).
 */
export const driverTimesOf = (state: VehicleRuleState): DriverTimeCarry[] => {
  const last = state.track.motion.last;
  const carries: DriverTimeCarry[] = [];
  for (const [key, subject] of Object.entries(state.rules.fatigue.subjects)) {
    const driverId = driverIdOfSubject(key);
    if (!driverId) continue;
    const lastHistory = subject.history.at(-1);
    const lastDrivingMs = Math.max(subject.period.lastDrivingEndMs ?? 0, lastHistory ? lastHistory[1] : 0);
    const lastReportMs = last && last.subject === key ? Math.max(last.timeMs, lastDrivingMs) : lastDrivingMs;
    carries.push({ driverId, vehicleId: state.identity.vehicleId, plate: state.identity.plate, lastReportMs, subject });
  }
  return carries;
};
