import type { AlertV1, DriverCardEventV1, PositionV1, TerminalAreaAlarmV1, VehicleQualityDayV1, WimMeasurementV1 } from '@roadwatch/contracts';

/**
 * Where the archiver writes. Every call is idempotent on the natural key and resolves after
 * the database committed all of the list (a long list may go in several statements: a
 * failure part-way rejects, the batch is handed again, and the keys absorb what was already
 * written); it resolves to the number of rows it inserted or changed (a redelivered row
 * counts 0).
 */
export interface ArchiveWriter {
  /** Key (vehicle_id, device_time); a repeat is ignored. */
  writePositions(positions: readonly PositionV1[]): Promise<number>;
  /** Key measurement_id; a repeat is ignored. */
  writeWimMeasurements(measurements: readonly WimMeasurementV1[]): Promise<number>;
  /** Key alert_id; a higher revision replaces the row, an equal or lower one is ignored. */
  upsertAlerts(alerts: readonly AlertV1[]): Promise<number>;
  /** Key (vehicle_id, day); a message further on replaces the row, a stale snapshot or a snapshot after the final is ignored. */
  upsertQualityDays(days: readonly VehicleQualityDayV1[]): Promise<number>;
  /** Key (terminal, reported instant, event); a repeat is ignored. The driver is resolved by qualification number within the vehicle's company. */
  writeDriverCardEvents(events: readonly DriverCardEventV1[]): Promise<number>;
  /** Key (vehicle, device time, kind); a repeat is ignored. A terminal's own area/route alarms, evidence only. */
  writeTerminalAreaAlarms(alarms: readonly TerminalAreaAlarmV1[]): Promise<number>;
  /** Answers when the database is usable (readiness). */
  ping(): Promise<boolean>;
}
