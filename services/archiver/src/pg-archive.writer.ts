import type { AlertV1, PositionV1, VehicleQualityDayV1, WimMeasurementV1 } from '@roadwatch/contracts';
import { AlertRepository, pingDatabase, PositionRepository, VehicleQualityRepository, WimRepository, type StoragePool } from '@roadwatch/storage';
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

  constructor(private readonly pool: StoragePool) {
    this.positions = new PositionRepository(pool);
    this.wim = new WimRepository(pool);
    this.alerts = new AlertRepository(pool);
    this.quality = new VehicleQualityRepository(pool);
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

  ping(): Promise<boolean> {
    return pingDatabase(this.pool);
  }
}
