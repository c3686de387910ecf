import type { TerminalAreaAlarmItem, TerminalAreaAlarmV1 } from '@roadwatch/contracts';
import { OWNER_OF, ownerScopeSql, type OwnerScope } from './owner';
import type { StoragePool } from './pool';
import { msToTs } from './sql';

/**
 * The archiver's writes of `terminal_area_alarms` (a terminal's own area/route alarms, 0x0200
 * bits 20–23): idempotent on (vehicle, device time, kind).
 */
export class TerminalAreaAlarmWriter {
  constructor(private readonly pool: StoragePool) {}

  /** Returns how many alarms were new. */
  async insertMany(alarms: readonly TerminalAreaAlarmV1[]): Promise<number> {
    if (alarms.length === 0) return 0;
    const result = await this.pool.query(
      `INSERT INTO terminal_area_alarms (vehicle_id, device_time, kind, terminal_id, registered, received_at, alarm_flags, latitude_deg, longitude_deg,
         speed_kmh, area_type, area_id, direction, segment_id, segment_driving_time_s, segment_too_long)
       SELECT r."vehicleId", ${msToTs('r."deviceTimeMs"')}, r.kind, r."terminalId", r.registered, ${msToTs('r."receivedAtMs"')}, r."alarmFlags",
              r."latitudeDeg", r."longitudeDeg", r."speedKmh", r."areaType", r."areaId", r.direction, r."segmentId", r."segmentDrivingTimeS", r."segmentTooLong"
       FROM jsonb_to_recordset($1::jsonb) AS r("vehicleId" text, "deviceTimeMs" float8, kind text, "terminalId" text, registered boolean, "receivedAtMs" float8,
            "alarmFlags" bigint, "latitudeDeg" float8, "longitudeDeg" float8, "speedKmh" float8, "areaType" text, "areaId" bigint, direction text,
            "segmentId" bigint, "segmentDrivingTimeS" integer, "segmentTooLong" boolean)
       ON CONFLICT (vehicle_id, device_time, kind) DO NOTHING`,
      [JSON.stringify(alarms)],
    );
    return result.rowCount ?? 0;
  }
}

interface AlarmRow {
  vehicle_id: string;
  device_time: Date;
  kind: TerminalAreaAlarmV1['kind'];
  terminal_id: string;
  registered: boolean;
  received_at: Date;
  alarm_flags: string;
  latitude_deg: number;
  longitude_deg: number;
  speed_kmh: number;
  area_type: TerminalAreaAlarmV1['areaType'] | null;
  area_id: string | null;
  direction: 'in' | 'out' | null;
  segment_id: string | null;
  segment_driving_time_s: number | null;
  segment_too_long: boolean | null;
  source_kind: 'route' | 'area_ban' | 'circle' | null;
  source_id: string | null;
  name: string | null;
}

/**
 * The terminals' own alarms as the API lists them, in the caller's scope (the vehicle's owner;
 * an unbound terminal's alarms have none, so only an unscoped caller sees them), each with what
 * the platform sent under its area id to that vehicle, when it did.
 */
export class TerminalAreaAlarmReadModel {
  constructor(private readonly pool: StoragePool) {}

  async list(
    filter: { vehicleId?: string | undefined; fromMs?: number | undefined; toMs?: number | undefined; limit: number; offset: number },
    scope: OwnerScope,
  ): Promise<TerminalAreaAlarmItem[]> {
    const params: unknown[] = [];
    const where = [ownerScopeSql(scope, OWNER_OF.vehicle('v', 'vc'), params)];
    if (filter.vehicleId !== undefined) where.push(`a.vehicle_id = $${params.push(filter.vehicleId)}`);
    if (filter.fromMs !== undefined) where.push(`a.device_time >= ${msToTs(`$${params.push(filter.fromMs)}::float8`)}`);
    if (filter.toMs !== undefined) where.push(`a.device_time < ${msToTs(`$${params.push(filter.toMs)}::float8`)}`);
    const { rows } = await this.pool.query<AlarmRow>(
      `SELECT a.*, g.source_kind, g.source_id, g.name
       FROM terminal_area_alarms a
       LEFT JOIN vehicles v ON v.vehicle_id = a.vehicle_id LEFT JOIN companies vc ON vc.company_id = v.company_id
       LEFT JOIN terminal_geofences g ON g.geofence_id = a.area_id
         AND EXISTS (SELECT 1 FROM terminal_downlinks d WHERE d.geofence_id = g.geofence_id AND d.vehicle_id = a.vehicle_id)
       WHERE ${where.join(' AND ')}
       ORDER BY a.device_time DESC, a.kind LIMIT $${params.push(filter.limit)} OFFSET $${params.push(filter.offset)}`,
      params,
    );
    return rows.map((r) => ({
      vehicleId: r.vehicle_id,
      terminalId: r.terminal_id,
      registered: r.registered,
      deviceTimeMs: r.device_time.getTime(),
      receivedAtMs: r.received_at.getTime(),
      kind: r.kind,
      alarmFlags: Number(r.alarm_flags),
      latitudeDeg: r.latitude_deg,
      longitudeDeg: r.longitude_deg,
      speedKmh: r.speed_kmh,
      ...(r.area_type !== null ? { areaType: r.area_type } : {}),
      ...(r.area_id !== null ? { areaId: Number(r.area_id) } : {}),
      ...(r.direction !== null ? { direction: r.direction } : {}),
      ...(r.segment_id !== null ? { segmentId: Number(r.segment_id) } : {}),
      ...(r.segment_driving_time_s !== null ? { segmentDrivingTimeS: r.segment_driving_time_s } : {}),
      ...(r.segment_too_long !== null ? { segmentTooLong: r.segment_too_long } : {}),
      ...(r.source_kind !== null && r.source_id !== null && r.name !== null
        ? { geofence: { sourceKind: r.source_kind, sourceId: r.source_id, name: r.name } }
        : {}),
      evidenceOnly: true as const,
    }));
  }
}
