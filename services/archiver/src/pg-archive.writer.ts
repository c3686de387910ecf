import type pg from 'pg';
import type { AlertV1, OverloadViolationV1, PositionV1, WimMeasurementV1 } from '@roadwatch/contracts';
import type { ArchiveWriter } from './archive-writer';

/**
 * The ArchiveWriter over `pg`, on the tables of libs/storage's migrations (TimescaleDB
 * hypertables or native partitions: the same SQL works on both).
 *
 * A batch is sent as ONE parameter, the JSON array of the validated messages, and
 * expanded by `json_to_recordset` whose column names are the messages' own camelCase
 * fields: no per-row parameters, no per-value array encoding in JavaScript, one plan per
 * connection (named statements), one round trip and one implicit transaction per batch.
 * Times cross as epoch milliseconds and become timestamptz exactly (integer ms × 1 ms).
 *
 * Written here, not taken from libs/storage, because the storage repositories had not
 * landed when the archiver was built; the SQL keeps to the storage schema so the two can
 * be swapped behind ArchiveWriter.
 */
const ms = (column: string): string => `TIMESTAMPTZ 'epoch' + r."${column}" * INTERVAL '1 millisecond'`;

const INSERT_POSITIONS = `
INSERT INTO positions (vehicle_id, device_time, terminal_id, plate, plate_colour, registered, driver_id,
  latitude_deg, longitude_deg, altitude_m, speed_kmh, heading_deg, alarm_flags, status_flags, acc_on, gnss_fixed,
  mileage_km, recorder_speed_kmh, satellites, source, received_at)
SELECT r."vehicleId", ${ms('deviceTimeMs')}, r."terminalId", r."plate", r."plateColour", r."registered", r."driverId",
  r."latitudeDeg", r."longitudeDeg", r."altitudeM", r."speedKmh", r."headingDeg", r."alarmFlags", r."statusFlags",
  r."accOn", r."gnssFixed", r."mileageKm", r."recorderSpeedKmh", r."satellites", r."source", ${ms('receivedAtMs')}
FROM json_to_recordset($1::json) AS r("vehicleId" text, "deviceTimeMs" bigint, "terminalId" text, "plate" text,
  "plateColour" smallint, "registered" boolean, "driverId" text, "latitudeDeg" float8, "longitudeDeg" float8,
  "altitudeM" real, "speedKmh" real, "headingDeg" real, "alarmFlags" bigint, "statusFlags" bigint, "accOn" boolean,
  "gnssFixed" boolean, "mileageKm" float8, "recorderSpeedKmh" real, "satellites" smallint, "source" text,
  "receivedAtMs" bigint)
ON CONFLICT (vehicle_id, device_time) DO NOTHING`;

const INSERT_WIM = `
INSERT INTO wim_measurements (measurement_id, measured_at, station_id, station_record_id, lane, direction, plate,
  plate_colour, vehicle_type, axle_count, axle_weights_kg, axle_spacings_mm, gross_kg, speed_kmh, height_m, width_m,
  length_m, image_refs, calibration_ref, accuracy_class_pct, received_at)
SELECT r."measurementId", ${ms('measuredAtMs')}, r."stationId", r."stationRecordId", r."lane", r."direction", r."plate",
  r."plateColour", r."vehicleType", r."axleCount", r."axleWeightsKg", r."axleSpacingsMm", r."grossKg", r."speedKmh",
  r."heightM", r."widthM", r."lengthM", r."imageRefs", r."calibrationRef", r."accuracyClassPct", ${ms('receivedAtMs')}
FROM json_to_recordset($1::json) AS r("measurementId" text, "measuredAtMs" bigint, "stationId" text,
  "stationRecordId" text, "lane" smallint, "direction" text, "plate" text, "plateColour" smallint, "vehicleType" text,
  "axleCount" smallint, "axleWeightsKg" float8[], "axleSpacingsMm" float8[], "grossKg" float8, "speedKmh" float8,
  "heightM" float8, "widthM" float8, "lengthM" float8, "imageRefs" text[], "calibrationRef" text,
  "accuracyClassPct" float8, "receivedAtMs" bigint)
ON CONFLICT (measurement_id, measured_at) DO NOTHING`;

// The WHERE on the update keeps the newest revision whatever order revisions arrive in.
const UPSERT_ALERTS = `
INSERT INTO alerts (alert_id, started_at, revision, vehicle_id, plate, company_id, region_code, driver_id, rule, level,
  severity, ended_at, raised_at, points, fine_yuan, summary, details, evidence, latitude_deg, longitude_deg)
SELECT r."alertId", ${ms('startedAtMs')}, r."revision", r."vehicleId", r."plate", r."companyId", r."regionCode",
  r."driverId", r."rule", r."level", r."severity", ${ms('endedAtMs')}, ${ms('raisedAtMs')}, r."points", r."fineYuan",
  r."summary", COALESCE(r."details", '{}'), COALESCE(r."evidence", '{}'), r."latitudeDeg", r."longitudeDeg"
FROM json_to_recordset($1::json) AS r("alertId" text, "startedAtMs" bigint, "revision" integer, "vehicleId" text,
  "plate" text, "companyId" text, "regionCode" text, "driverId" text, "rule" text, "level" text, "severity" text,
  "endedAtMs" bigint, "raisedAtMs" bigint, "points" integer, "fineYuan" float8, "summary" text, "details" jsonb,
  "evidence" jsonb, "latitudeDeg" float8, "longitudeDeg" float8)
ON CONFLICT (alert_id, started_at) DO UPDATE SET
  revision = EXCLUDED.revision, vehicle_id = EXCLUDED.vehicle_id, plate = EXCLUDED.plate,
  company_id = EXCLUDED.company_id, region_code = EXCLUDED.region_code, driver_id = EXCLUDED.driver_id,
  rule = EXCLUDED.rule, level = EXCLUDED.level, severity = EXCLUDED.severity, ended_at = EXCLUDED.ended_at,
  raised_at = EXCLUDED.raised_at, points = EXCLUDED.points, fine_yuan = EXCLUDED.fine_yuan,
  summary = EXCLUDED.summary, details = EXCLUDED.details, evidence = EXCLUDED.evidence,
  latitude_deg = EXCLUDED.latitude_deg, longitude_deg = EXCLUDED.longitude_deg, stored_at = now()
WHERE alerts.revision < EXCLUDED.revision`;

const INSERT_VIOLATIONS = `
INSERT INTO overload_violations (violation_id, alert_id, vehicle_id, registered, company_id, measurement_id, station_id,
  plate, plate_colour, measured_at, gross_kg, limit_kg, limit_basis, max_permissible_error_kg, confirmed_gross_kg,
  excess_kg, overload_ratio, raw_ratio, is_bai_dun_wang, over_weight, over_dimensions, severity, decided_at, measurement)
SELECT r."violationId", r."alertId", r."vehicleId", r."registered", r."companyId", r."measurement"->>'measurementId',
  r."measurement"->>'stationId', r."measurement"->>'plate', (r."measurement"->>'plateColour')::smallint,
  TIMESTAMPTZ 'epoch' + (r."measurement"->>'measuredAtMs')::bigint * INTERVAL '1 millisecond',
  (r."measurement"->>'grossKg')::float8, r."limitKg", r."limitBasis", r."maxPermissibleErrorKg",
  r."confirmedGrossKg", r."excessKg", r."overloadRatio", r."rawRatio", r."isBaiDunWang", r."overWeight",
  r."overDimensions", r."severity", ${ms('decidedAtMs')}, r."measurement"
FROM json_to_recordset($1::json) AS r("violationId" text, "alertId" text, "vehicleId" text, "registered" boolean,
  "companyId" text, "measurement" jsonb, "limitKg" float8, "limitBasis" text, "maxPermissibleErrorKg" float8,
  "confirmedGrossKg" float8, "excessKg" float8, "overloadRatio" float8, "rawRatio" float8, "isBaiDunWang" boolean,
  "overWeight" boolean, "overDimensions" text[], "severity" text, "decidedAtMs" bigint)
ON CONFLICT (violation_id) DO NOTHING`;

/** One row per alert id and start: ON CONFLICT DO UPDATE may not touch a row twice in one statement. */
export const highestRevisions = (alerts: readonly AlertV1[]): AlertV1[] => {
  const byKey = new Map<string, AlertV1>();
  for (const alert of alerts) {
    const key = `${alert.alertId}\u0000${alert.startedAtMs}`;
    const current = byKey.get(key);
    if (!current || current.revision < alert.revision) byKey.set(key, alert);
  }
  return [...byKey.values()];
};

export class PgArchiveWriter implements ArchiveWriter {
  constructor(private readonly pool: pg.Pool) {}

  private async run(name: string, text: string, rows: readonly unknown[]): Promise<number> {
    if (rows.length === 0) return 0;
    const result = await this.pool.query({ name, text, values: [JSON.stringify(rows)] });
    return result.rowCount ?? 0;
  }

  writePositions(positions: readonly PositionV1[]): Promise<number> {
    return this.run('archiver_positions', INSERT_POSITIONS, positions);
  }

  writeWimMeasurements(measurements: readonly WimMeasurementV1[]): Promise<number> {
    return this.run('archiver_wim', INSERT_WIM, measurements);
  }

  upsertAlerts(alerts: readonly AlertV1[]): Promise<number> {
    return this.run('archiver_alerts', UPSERT_ALERTS, highestRevisions(alerts));
  }

  writeOverloadViolations(violations: readonly OverloadViolationV1[]): Promise<number> {
    return this.run('archiver_violations', INSERT_VIOLATIONS, violations);
  }

  async ping(): Promise<boolean> {
    await this.pool.query('SELECT 1');
    return true;
  }
}
