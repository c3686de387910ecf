import type { PositionV1 } from '@roadwatch/contracts';
import { chinaLocalToEpochMs, type VehicleClass, type VehicleFacts } from '@roadwatch/domain';

/**
 * Test support: scripted tracks of positions for the rule specs and the benchmark. Not
 * a simulator — just enough to put reports at exact times and places.
 */
export const METRES_PER_DEGREE_LAT = 111_195;

export const factsOf = (vehicleClass: VehicleClass, extra: Partial<VehicleFacts> = {}): VehicleFacts => ({
  vehicleId: `京A${vehicleClass.length}0001:2`,
  plate: `京A${vehicleClass.length}0001`,
  plateColour: 2,
  vehicleClass,
  companyId: 'company-1',
  regionCode: '110000',
  ...extra,
});

export const positionAt = (deviceTimeMs: number, overrides: Partial<PositionV1> = {}): PositionV1 => ({
  v: 1,
  vehicleId: '京A100001:2',
  terminalId: '013800000001',
  plate: '京A100001',
  plateColour: 2,
  registered: true,
  deviceTimeMs,
  receivedAtMs: deviceTimeMs + 1_000,
  latitudeDeg: 39.5,
  longitudeDeg: 116.0,
  altitudeM: 45,
  speedKmh: 0,
  headingDeg: 0,
  alarmFlags: 0,
  statusFlags: 0,
  accOn: true,
  gnssFixed: true,
  source: 'realtime',
  ...overrides,
});

export interface TrackOptions {
  vehicleId?: string;
  intervalMs?: number;
  latitudeDeg?: number;
  longitudeDeg?: number;
  driverId?: string;
}

/**
 * A track built step by step. Every step emits reports at `intervalMs` after the current
 * time up to and including its end, so `drive(4 h)` from the first report ends on a
 * report exactly 4 h later.
 */
export class Track {
  readonly positions: PositionV1[] = [];
  timeMs: number;
  latitudeDeg: number;
  longitudeDeg: number;
  intervalMs: number;
  driverId: string | undefined;
  accOn = true;
  alarmFlags = 0;
  private readonly vehicleId: string;

  constructor(startMs: number, options: TrackOptions = {}) {
    this.timeMs = startMs;
    this.intervalMs = options.intervalMs ?? 30_000;
    this.latitudeDeg = options.latitudeDeg ?? 39.5;
    this.longitudeDeg = options.longitudeDeg ?? 116.0;
    this.driverId = options.driverId;
    this.vehicleId = options.vehicleId ?? '京A100001:2';
  }

  static at(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, options: TrackOptions = {}): Track {
    return new Track(chinaLocalToEpochMs(year, month, day, hour, minute, second), options);
  }

  /** Emit a report at the current time and place. */
  report(speedKmh: number, overrides: Partial<PositionV1> = {}): this {
    this.positions.push(
      positionAt(this.timeMs, {
        vehicleId: this.vehicleId,
        latitudeDeg: this.latitudeDeg,
        longitudeDeg: this.longitudeDeg,
        speedKmh,
        accOn: this.accOn,
        alarmFlags: this.alarmFlags,
        ...(this.driverId ? { driverId: this.driverId } : {}),
        ...overrides,
      }),
    );
    return this;
  }

  /** Move north at speedKmh for durationMs, reporting every interval (the last report lands on the end). */
  drive(durationMs: number, speedKmh = 60, overrides: Partial<PositionV1> = {}): this {
    const end = this.timeMs + durationMs;
    while (this.timeMs < end) {
      const step = Math.min(this.intervalMs, end - this.timeMs);
      this.timeMs += step;
      this.latitudeDeg += ((speedKmh / 3.6) * (step / 1000)) / METRES_PER_DEGREE_LAT;
      this.report(speedKmh, overrides);
    }
    return this;
  }

  /** Stand still (speed 0, same place) for durationMs, reporting every interval. */
  stop(durationMs: number, overrides: Partial<PositionV1> = {}): this {
    const end = this.timeMs + durationMs;
    while (this.timeMs < end) {
      this.timeMs += Math.min(this.intervalMs, end - this.timeMs);
      this.report(0, overrides);
    }
    return this;
  }

  /**
   * A stop of exactly durationMs as RULES.md §8 measures it: from the last moving report
   * (the current one) to the first moving report after it, which lands at the end.
   * Stationary reports every interval in between.
   */
  stopFor(durationMs: number, speedAfterKmh = 60): this {
    const end = this.timeMs + durationMs;
    while (this.timeMs + this.intervalMs < end) {
      this.timeMs += this.intervalMs;
      this.report(0);
    }
    this.timeMs = end;
    return this.report(speedAfterKmh);
  }

  /** No reports for durationMs, then one report: moved `movedM` north meanwhile, at `speedKmh`. */
  gap(durationMs: number, movedM: number, speedKmh = movedM > 0 ? 60 : 0): this {
    this.timeMs += durationMs;
    this.latitudeDeg += movedM / METRES_PER_DEGREE_LAT;
    return this.report(speedKmh);
  }

  /** Advance the clock without reporting. */
  wait(durationMs: number): this {
    this.timeMs += durationMs;
    return this;
  }
}
