import type { AlertV1, DriverCardEventV1, PositionV1, TerminalAreaAlarmV1, VehicleQualityDayV1, WimMeasurementV1 } from '@roadwatch/contracts';
import {
  AlertRepository,
  DriverCardEventRepository,
  pingDatabase,
  PositionRepository,
  TerminalAreaAlarmWriter,
  VehicleQualityRepository,
  WimRepository,
  type StoragePool,
} from '@roadwatch/storage';
import type { ArchiveWriter } from './archive-writer';

/**
 * The ArchiveWriter over the repositories of @roadwatch/storage, which own the archive SQL
 * (and the choice of unnest or one JSON parameter per table, measured there). Every method
 * is idempotent on its natural key and resolves only after the database committed.
 */
export class PgArchiveWriter implements ArchiveWriter {
  private readonly positions: PositionRepository;
  private readonly wim: WimRepository;
  private readonly alerts: AlertRepository;
  private readonly quality: VehicleQualityRepository;
  private readonly driverCards: DriverCardEventRepository;
  private readonly areaAlarms: TerminalAreaAlarmWriter;

  constructor(private readonly pool: StoragePool) {
    this.positions = new PositionRepository(pool);
    this.wim = new WimRepository(pool);
    this.alerts = new AlertRepository(pool);
    this.quality = new VehicleQualityRepository(pool);
    this.driverCards = new DriverCardEventRepository(pool);
    this.areaAlarms = new TerminalAreaAlarmWriter(pool);
  }

  writePositions(positions: readonly PositionV1[]): Promise<number> {
    return this.positions.insertMany(positions);
  }

  writeWimMeasurements(measurements: readonly WimMeasurementV1[]): Promise<number> {
    return this.wim.insertMany(measurements);
  }

  upsertAlerts(alerts: readonly AlertV1[]): Promise<number> {
    return this.alerts.upsertMany(alerts);
  }

  upsertQualityDays(days: readonly VehicleQualityDayV1[]): Promise<number> {
    return this.quality.upsertMany(days);
  }

  writeTerminalAreaAlarms(alarms: readonly TerminalAreaAlarmV1[]): Promise<number> {
    return this.areaAlarms.insertMany(alarms);
  }

  writeDriverCardEvents(events: readonly DriverCardEventV1[]): Promise<number> {
    // Unbound terminals' reports are kept with no vehicle: they name nobody's driver.
    return this.driverCards.insertMany(
      events.map((e) => ({
        terminalId: e.terminalId,
        vehicleId: e.registered ? e.vehicleId : null,
        reportedAtMs: e.reportedAtMs,
        event: e.event,
        driverName: e.driverName ?? null,
        qualificationNo: e.qualificationNo ?? null,
        issuingAuthority: e.issuingAuthority ?? null,
        cardValidUntil: e.cardValidUntil ?? null,
        idCardNo: e.idCardNo ?? null,
      })),
    );
  }

  ping(): Promise<boolean> {
    return pingDatabase(this.pool);
  }
}
