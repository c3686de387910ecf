import { boundingBoxOf, type BoundingBox, type RoadClass, type VehicleClass, type VehicleFacts } from '@roadwatch/domain';
import type { QueryResultRow } from 'pg';
import type { StoragePool } from './pool';
import { msToTs } from './sql';

export interface CompanyRecord {
  companyId: string;
  name: string;
  kind?: 'transport' | 'source_unit' | 'owner' | 'other';
  regionCode?: string;
  licenceNo?: string;
  contactPhone?: string;
  webhookUrl?: string;
}

export interface VehicleRecord extends VehicleFacts {
  ownerName?: string;
  transportCertNo?: string;
  /** 整备质量 of the vehicle (the tractor, for a combination): 大吨小标 (RULES.md §14). */
  curbMassKg?: number;
  /** The trailer's 整备质量, for a combination. */
  trailerCurbMassKg?: number;
}

export interface TerminalRecord {
  terminalId: string;
  vehicleId?: string;
  authCode?: string;
  manufacturerId?: string;
  model?: string;
  registeredAtMs?: number;
  lastAuthAtMs?: number;
  /** What the terminal said of itself in its last 0x0100. */
  declaredPlate?: string;
  declaredPlateColour?: number;
  deviceId?: string;
}

/** A terminal's 0x0100, its id without leading zeros (canonicalTerminalId of libs/domain). */
export interface TerminalSelfRegistration {
  terminalId: string;
  plate: string;
  plateColour: number;
  manufacturerId: string;
  terminalModel: string;
  deviceId: string;
  provinceId: number;
  cityId: number;
}

/** The stored row of a terminal however its SIM number was padded: the exact id first. */
const TERMINAL_ROW = `SELECT terminal_id FROM terminals WHERE ltrim(terminal_id, '0') = ltrim($1, '0') ORDER BY terminal_id = $1 DESC LIMIT 1`;

export interface DriverRecord {
  driverId: string;
  name: string;
  companyId?: string;
  idCardNo?: string;
  qualificationNo?: string;
  phone?: string;
}

export interface WimStationRecord {
  stationId: string;
  name: string;
  kind?: 'fixed' | 'non_site' | 'source' | 'site_exit' | 'entrance';
  /** A `site_exit` scale's source site (0021). */
  sourceSiteId?: string;
  /** JJG 907 accuracy class as a percentage (0.2/0.5/1/2/5/10). */
  accuracyClassPct?: number;
  regionCode?: string;
  roadName?: string;
  latitudeDeg?: number;
  longitudeDeg?: number;
  validSpeedMinKmh?: number;
  validSpeedMaxKmh?: number;
  calibrationRef?: string;
  /** The road through the station, [lon, lat] upstream → downstream (evasion's screen lines, RULES.md §14). */
  corridorPolyline?: Array<[number, number]>;
}

export interface SourceSiteRecord {
  sourceSiteId: string;
  name: string;
  companyId?: string;
  regionCode?: string;
  address?: string;
  latitudeDeg?: number;
  longitudeDeg?: number;
  /** A ring of [lon, lat] (WGS-84); absent → a circle of `geofenceRadiusM` (default 200 m) around the point. */
  geofencePolygon?: Array<[number, number]>;
  geofenceRadiusM?: number;
  siteKind?: string;
  keySite?: boolean;
  exitStationId?: string;
}

export interface SpeedZoneRecord {
  segmentId: string;
  name?: string;
  roadClass: RoadClass;
  postedLimitKmh: number;
  /** [longitude, latitude] pairs. */
  polyline: [number, number][];
  /** As stored (computed from the polyline on write); absent on input. */
  bbox?: BoundingBox;
}

export interface RegistryPage {
  limit: number;
  offset: number;
}

const n = <T>(value: T | undefined): T | null => (value === undefined ? null : value);

/** A `vehicles` row (NULL is an absent optional field). */
export interface VehicleRow {
  vehicle_id: string;
  plate: string;
  plate_colour: number;
  vehicle_class: VehicleClass;
  company_id: string | null;
  region_code: string | null;
  owner_name: string | null;
  transport_cert_no: string | null;
  route_km: number | null;
  trip_km: number | null;
  own_cap_kmh: number | null;
  axle_count: number | null;
  is_combination: boolean | null;
  has_single_drive_axle: boolean | null;
  has_air_suspension: boolean | null;
  has_single_tyre_non_drive_axles: boolean | null;
  registered_max_gross_kg: number | null;
  curb_mass_kg: number | null;
  trailer_curb_mass_kg: number | null;
}

export const vehicleOf = (r: VehicleRow): VehicleRecord => {
  const v: VehicleRecord = { vehicleId: r.vehicle_id, plate: r.plate, plateColour: r.plate_colour, vehicleClass: r.vehicle_class };
  const optional: [keyof VehicleRecord, unknown][] = [
    ['companyId', r.company_id],
    ['regionCode', r.region_code],
    ['routeKm', r.route_km],
    ['tripKm', r.trip_km],
    ['ownCapKmh', r.own_cap_kmh],
    ['axleCount', r.axle_count],
    ['isCombination', r.is_combination],
    ['hasSingleDriveAxle', r.has_single_drive_axle],
    ['hasAirSuspension', r.has_air_suspension],
    ['hasSingleTyreNonDriveAxles', r.has_single_tyre_non_drive_axles],
    ['registeredMaxGrossKg', r.registered_max_gross_kg],
    ['ownerName', r.owner_name],
    ['transportCertNo', r.transport_cert_no],
    ['curbMassKg', r.curb_mass_kg],
    ['trailerCurbMassKg', r.trailer_curb_mass_kg],
  ];
  for (const [key, value] of optional) if (value !== null && value !== undefined) (v as unknown as Record<string, unknown>)[key] = value;
  return v;
};

/** The registry tables the administration deletes from, with their keys. */
export const REGISTRY_KEYS = {
  terminals: 'terminal_id',
  drivers: 'driver_id',
  wim_stations: 'station_id',
  source_sites: 'source_site_id',
  road_speed_zones: 'segment_id',
} as const;
export type RegistryTable = keyof typeof REGISTRY_KEYS;

/** Copies the non-null columns onto the record (NULL is an absent optional field). */
const withOptional = <T extends object>(record: T, optional: ReadonlyArray<readonly [keyof T, unknown]>): T => {
  for (const [key, value] of optional) if (value !== null && value !== undefined) (record as Record<keyof T, unknown>)[key] = value;
  return record;
};
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

interface TerminalRow {
  terminal_id: string;
  vehicle_id: string | null;
  auth_code: string | null;
  manufacturer_id: string | null;
  model: string | null;
  registered_at: Date | null;
  last_auth_at: Date | null;
  declared_plate: string | null;
  declared_plate_colour: number | null;
  device_id: string | null;
}

const terminalOf = (r: TerminalRow): TerminalRecord =>
  withOptional<TerminalRecord>({ terminalId: r.terminal_id }, [
    ['vehicleId', r.vehicle_id],
    ['authCode', r.auth_code],
    ['manufacturerId', r.manufacturer_id],
    ['model', r.model],
    ['registeredAtMs', r.registered_at ? r.registered_at.getTime() : null],
    ['lastAuthAtMs', r.last_auth_at ? r.last_auth_at.getTime() : null],
    ['declaredPlate', r.declared_plate],
    ['declaredPlateColour', r.declared_plate_colour],
    ['deviceId', r.device_id],
  ]);

interface DriverRow {
  driver_id: string;
  name: string;
  company_id: string | null;
  id_card_no: string | null;
  qualification_no: string | null;
  phone: string | null;
}

const driverOf = (r: DriverRow): DriverRecord =>
  withOptional<DriverRecord>({ driverId: r.driver_id, name: r.name }, [
    ['companyId', r.company_id],
    ['idCardNo', r.id_card_no],
    ['qualificationNo', r.qualification_no],
    ['phone', r.phone],
  ]);

/** A `wim_stations` row (NULL is an absent optional field). */
export interface WimStationRow {
  station_id: string;
  name: string;
  kind: NonNullable<WimStationRecord['kind']>;
  /** numeric(4, 1): pg answers text. */
  accuracy_class_pct: string | null;
  region_code: string | null;
  road_name: string | null;
  latitude_deg: number | null;
  longitude_deg: number | null;
  valid_speed_min_kmh: number | null;
  valid_speed_max_kmh: number | null;
  calibration_ref: string | null;
  corridor_polyline: Array<[number, number]> | null;
  source_site_id: string | null;
}

const wimStationOf = (r: WimStationRow): WimStationRecord =>
  withOptional<WimStationRecord>({ stationId: r.station_id, name: r.name, kind: r.kind }, [
    ['accuracyClassPct', numOrNull(r.accuracy_class_pct)],
    ['regionCode', r.region_code],
    ['roadName', r.road_name],
    ['latitudeDeg', r.latitude_deg],
    ['longitudeDeg', r.longitude_deg],
    ['validSpeedMinKmh', r.valid_speed_min_kmh],
    ['corridorPolyline', r.corridor_polyline],
    ['validSpeedMaxKmh', r.valid_speed_max_kmh],
    ['calibrationRef', r.calibration_ref],
    ['sourceSiteId', r.source_site_id],
  ]);

/** A `source_sites` row (NULL is an absent optional field). */
export interface SourceSiteRow {
  source_site_id: string;
  name: string;
  company_id: string | null;
  region_code: string | null;
  address: string | null;
  latitude_deg: number | null;
  longitude_deg: number | null;
  geofence_polygon: Array<[number, number]> | null;
  geofence_radius_m: number | null;
  site_kind: string | null;
  key_site: boolean;
  exit_station_id: string | null;
}

const sourceSiteOf = (r: SourceSiteRow): SourceSiteRecord =>
  withOptional<SourceSiteRecord>({ sourceSiteId: r.source_site_id, name: r.name, keySite: r.key_site === true }, [
    ['companyId', r.company_id],
    ['regionCode', r.region_code],
    ['address', r.address],
    ['latitudeDeg', r.latitude_deg],
    ['longitudeDeg', r.longitude_deg],
    ['geofencePolygon', r.geofence_polygon],
    ['geofenceRadiusM', r.geofence_radius_m],
    ['siteKind', r.site_kind],
    ['exitStationId', r.exit_station_id],
  ]);

/** A `road_speed_zones` row; the bounding box columns only where the SELECT asks for them. */
export interface SpeedZoneRow {
  segment_id: string;
  name: string | null;
  road_class: RoadClass;
  posted_limit_kmh: number;
  polyline: [number, number][];
  min_lat?: number | null;
  min_lon?: number | null;
  max_lat?: number | null;
  max_lon?: number | null;
}

export const speedZoneOf = (r: SpeedZoneRow): SpeedZoneRecord =>
  withOptional<SpeedZoneRecord>({ segmentId: r.segment_id, roadClass: r.road_class, postedLimitKmh: r.posted_limit_kmh, polyline: r.polyline }, [
    ['name', r.name],
    [
      'bbox',
      r.min_lat === null || r.min_lat === undefined || r.min_lon == null || r.max_lat == null || r.max_lon == null
        ? null
        : { minLatitudeDeg: r.min_lat, minLongitudeDeg: r.min_lon, maxLatitudeDeg: r.max_lat, maxLongitudeDeg: r.max_lon },
    ],
  ]);

/** Registry upserts (keyed by id, last write wins) and the lookups ingest needs. */
export class RegistryRepository {
  constructor(private readonly pool: StoragePool) {}

  async upsertCompany(c: CompanyRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO companies (company_id, name, kind, region_code, licence_no, contact_phone, webhook_url)
       VALUES ($1, $2, coalesce($3, 'transport'), $4, $5, $6, $7)
       ON CONFLICT (company_id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, region_code = EXCLUDED.region_code,
         licence_no = EXCLUDED.licence_no, contact_phone = EXCLUDED.contact_phone, webhook_url = EXCLUDED.webhook_url, updated_at = now()`,
      [c.companyId, c.name, n(c.kind), n(c.regionCode), n(c.licenceNo), n(c.contactPhone), n(c.webhookUrl)],
    );
  }

  /** The vehicle registered under a plate and colour (unique in `vehicles`), if any. */
  async vehicleIdOfPlate(plate: string, plateColour: number): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ vehicle_id: string }>('SELECT vehicle_id FROM vehicles WHERE plate = $1 AND plate_colour = $2', [
      plate,
      plateColour,
    ]);
    return rows[0]?.vehicle_id;
  }

  async upsertVehicle(v: VehicleRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO vehicles (vehicle_id, plate, plate_colour, vehicle_class, company_id, region_code, owner_name, transport_cert_no, route_km,
         trip_km, own_cap_kmh, axle_count, is_combination, has_single_drive_axle, has_air_suspension, has_single_tyre_non_drive_axles,
         registered_max_gross_kg, curb_mass_kg, trailer_curb_mass_kg)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
       ON CONFLICT (vehicle_id) DO UPDATE SET plate = EXCLUDED.plate, plate_colour = EXCLUDED.plate_colour,
         vehicle_class = EXCLUDED.vehicle_class, company_id = EXCLUDED.company_id, region_code = EXCLUDED.region_code,
         owner_name = EXCLUDED.owner_name, transport_cert_no = EXCLUDED.transport_cert_no, route_km = EXCLUDED.route_km,
         trip_km = EXCLUDED.trip_km, own_cap_kmh = EXCLUDED.own_cap_kmh, axle_count = EXCLUDED.axle_count,
         is_combination = EXCLUDED.is_combination, has_single_drive_axle = EXCLUDED.has_single_drive_axle,
         has_air_suspension = EXCLUDED.has_air_suspension, has_single_tyre_non_drive_axles = EXCLUDED.has_single_tyre_non_drive_axles,
         registered_max_gross_kg = EXCLUDED.registered_max_gross_kg, curb_mass_kg = EXCLUDED.curb_mass_kg,
         trailer_curb_mass_kg = EXCLUDED.trailer_curb_mass_kg, updated_at = now()`,
      [
        v.vehicleId,
        v.plate,
        v.plateColour,
        v.vehicleClass,
        n(v.companyId),
        n(v.regionCode),
        n(v.ownerName),
        n(v.transportCertNo),
        n(v.routeKm),
        n(v.tripKm),
        n(v.ownCapKmh),
        n(v.axleCount),
        n(v.isCombination),
        n(v.hasSingleDriveAxle),
        n(v.hasAirSuspension),
        n(v.hasSingleTyreNonDriveAxles),
        n(v.registeredMaxGrossKg),
        n(v.curbMassKg),
        n(v.trailerCurbMassKg),
      ],
    );
  }

  /** The administrator's facts of a terminal; an auth code and registration time it already has are kept unless given. */
  async upsertTerminal(t: TerminalRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO terminals (terminal_id, vehicle_id, auth_code, manufacturer_id, model, registered_at)
       VALUES ($1, $2, $3, $4, $5, ${msToTs('$6::float8')})
       ON CONFLICT (terminal_id) DO UPDATE SET vehicle_id = EXCLUDED.vehicle_id, auth_code = coalesce(EXCLUDED.auth_code, terminals.auth_code),
         manufacturer_id = EXCLUDED.manufacturer_id, model = EXCLUDED.model,
         registered_at = coalesce(EXCLUDED.registered_at, terminals.registered_at), updated_at = now()`,
      [t.terminalId, n(t.vehicleId), n(t.authCode), n(t.manufacturerId), n(t.model), n(t.registeredAtMs)],
    );
  }

  /**
   * A terminal's registration (0x0100 → 0x8100): records what it declared and returns its
   * auth code — the one it already has (a retransmitted 0x0100 gets the same answer, and two
   * gateways racing agree), else `newAuthCode`. An administrator's binding to a vehicle is
   * kept; an unknown terminal gets a row of its own, unbound, so it shows in the registry.
   */
  async registerTerminal(r: TerminalSelfRegistration, newAuthCode: string): Promise<string> {
    const declared = [r.manufacturerId, r.terminalModel, r.deviceId, r.plate, r.plateColour, r.provinceId, r.cityId];
    const { rows } = await this.pool.query<{ auth_code: string }>(
      `WITH existing AS (${TERMINAL_ROW}),
       updated AS (
         UPDATE terminals t SET auth_code = coalesce(t.auth_code, $2), manufacturer_id = $3, model = $4, device_id = $5,
           declared_plate = $6, declared_plate_colour = $7, province_id = $8, city_id = $9,
           registered_at = coalesce(t.registered_at, now()), updated_at = now()
         FROM existing e WHERE t.terminal_id = e.terminal_id RETURNING t.auth_code),
       inserted AS (
         INSERT INTO terminals (terminal_id, auth_code, manufacturer_id, model, device_id, declared_plate, declared_plate_colour, province_id, city_id, registered_at)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, now() WHERE NOT EXISTS (SELECT 1 FROM existing)
         ON CONFLICT (terminal_id) DO UPDATE SET auth_code = coalesce(terminals.auth_code, EXCLUDED.auth_code), updated_at = now()
         RETURNING auth_code)
       SELECT auth_code FROM updated UNION ALL SELECT auth_code FROM inserted`,
      [r.terminalId, newAuthCode, ...declared],
    );
    const code = rows[0]?.auth_code;
    if (!code) throw new Error(`storage: registration of terminal ${r.terminalId} returned no auth code`);
    return code;
  }

  /** 0x0102: true when `authCode` is the terminal's; records the time. */
  async authenticateTerminal(terminalId: string, authCode: string): Promise<boolean> {
    const result = await this.pool.query(`UPDATE terminals SET last_auth_at = now() WHERE terminal_id = (${TERMINAL_ROW}) AND auth_code = $2`, [
      terminalId,
      authCode,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  /**
   * Adds a terminal's accepted frame anomalies (`{ kind: count }`, counted by the gateway
   * since its last call) to the terminal's counters and records the last one. False when
   * no terminal row has that SIM number (its counts then live only in the gateway's metrics).
   */
  async recordFrameAnomalies(terminalId: string, counts: Readonly<Record<string, number>>, lastKind: string, atMs: number): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE terminals t SET
         frame_anomalies = t.frame_anomalies || (
           SELECT coalesce(jsonb_object_agg(d.key, coalesce((t.frame_anomalies ->> d.key)::bigint, 0) + d.value::bigint), '{}'::jsonb)
           FROM jsonb_each_text($2::jsonb) d),
         last_frame_anomaly = $3, last_frame_anomaly_at = to_timestamp($4::double precision / 1000), updated_at = now()
       WHERE t.terminal_id = (${TERMINAL_ROW})`,
      [terminalId, JSON.stringify(counts), lastKind, atMs],
    );
    return (result.rowCount ?? 0) > 0;
  }

  /** A terminal's frame-anomaly counters and the last one, or null when there is no such terminal. */
  async frameAnomaliesOf(terminalId: string): Promise<{ counts: Record<string, number>; lastKind: string | null; lastAtMs: number | null } | null> {
    const { rows } = await this.pool.query<{ frame_anomalies: Record<string, number | string>; last_frame_anomaly: string | null; last_at_ms: string | null }>(
      `SELECT frame_anomalies, last_frame_anomaly, (extract(epoch FROM last_frame_anomaly_at) * 1000)::bigint AS last_at_ms
       FROM terminals WHERE terminal_id = (${TERMINAL_ROW})`,
      [terminalId],
    );
    const row = rows[0];
    if (!row) return null;
    const counts = Object.fromEntries(Object.entries(row.frame_anomalies).map(([kind, count]) => [kind, Number(count)]));
    return { counts, lastKind: row.last_frame_anomaly, lastAtMs: row.last_at_ms === null ? null : Number(row.last_at_ms) };
  }

  /** 0x0003 logout (注销): the code is withdrawn, the terminal must register again; its binding stays. */
  async unregisterTerminal(terminalId: string): Promise<void> {
    await this.pool.query(`UPDATE terminals SET auth_code = NULL, registered_at = NULL, updated_at = now() WHERE terminal_id = (${TERMINAL_ROW})`, [
      terminalId,
    ]);
  }

  async upsertDriver(d: DriverRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO drivers (driver_id, name, company_id, id_card_no, qualification_no, phone) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (driver_id) DO UPDATE SET name = EXCLUDED.name, company_id = EXCLUDED.company_id, id_card_no = EXCLUDED.id_card_no,
         qualification_no = EXCLUDED.qualification_no, phone = EXCLUDED.phone, updated_at = now()`,
      [d.driverId, d.name, n(d.companyId), n(d.idCardNo), n(d.qualificationNo), n(d.phone)],
    );
  }

  async upsertWimStation(s: WimStationRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO wim_stations (station_id, name, kind, accuracy_class_pct, region_code, road_name, latitude_deg, longitude_deg,
         valid_speed_min_kmh, valid_speed_max_kmh, calibration_ref, corridor_polyline, source_site_id)
       VALUES ($1, $2, coalesce($3, 'fixed'), $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13)
       ON CONFLICT (station_id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, accuracy_class_pct = EXCLUDED.accuracy_class_pct,
         region_code = EXCLUDED.region_code, road_name = EXCLUDED.road_name, latitude_deg = EXCLUDED.latitude_deg,
         longitude_deg = EXCLUDED.longitude_deg, valid_speed_min_kmh = EXCLUDED.valid_speed_min_kmh,
         valid_speed_max_kmh = EXCLUDED.valid_speed_max_kmh, calibration_ref = EXCLUDED.calibration_ref,
         corridor_polyline = EXCLUDED.corridor_polyline, source_site_id = EXCLUDED.source_site_id, updated_at = now()`,
      [
        s.stationId,
        s.name,
        n(s.kind),
        n(s.accuracyClassPct),
        n(s.regionCode),
        n(s.roadName),
        n(s.latitudeDeg),
        n(s.longitudeDeg),
        n(s.validSpeedMinKmh),
        n(s.validSpeedMaxKmh),
        n(s.calibrationRef),
        s.corridorPolyline ? JSON.stringify(s.corridorPolyline) : null,
        n(s.sourceSiteId),
      ],
    );
  }

  async upsertSourceSite(s: SourceSiteRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO source_sites (source_site_id, name, company_id, region_code, address, latitude_deg, longitude_deg,
         geofence_polygon, geofence_radius_m, site_kind, key_site, exit_station_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12)
       ON CONFLICT (source_site_id) DO UPDATE SET name = EXCLUDED.name, company_id = EXCLUDED.company_id,
         region_code = EXCLUDED.region_code, address = EXCLUDED.address, latitude_deg = EXCLUDED.latitude_deg,
         longitude_deg = EXCLUDED.longitude_deg, geofence_polygon = EXCLUDED.geofence_polygon, geofence_radius_m = EXCLUDED.geofence_radius_m,
         site_kind = EXCLUDED.site_kind, key_site = EXCLUDED.key_site, exit_station_id = EXCLUDED.exit_station_id, updated_at = now()`,
      [
        s.sourceSiteId,
        s.name,
        n(s.companyId),
        n(s.regionCode),
        n(s.address),
        n(s.latitudeDeg),
        n(s.longitudeDeg),
        s.geofencePolygon ? JSON.stringify(s.geofencePolygon) : null,
        n(s.geofenceRadiusM),
        n(s.siteKind),
        s.keySite === true,
        n(s.exitStationId),
      ],
    );
  }

  async upsertSpeedZone(z: SpeedZoneRecord): Promise<void> {
    // The box is the stored index of the zone (no PostGIS in the embedded build): always the polyline's own.
    const box = boundingBoxOf(z.polyline);
    await this.pool.query(
      `INSERT INTO road_speed_zones (segment_id, name, road_class, posted_limit_kmh, polyline, min_lat, min_lon, max_lat, max_lon)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (segment_id) DO UPDATE SET name = EXCLUDED.name, road_class = EXCLUDED.road_class,
         posted_limit_kmh = EXCLUDED.posted_limit_kmh, polyline = EXCLUDED.polyline, min_lat = EXCLUDED.min_lat,
         min_lon = EXCLUDED.min_lon, max_lat = EXCLUDED.max_lat, max_lon = EXCLUDED.max_lon, updated_at = now()`,
      [
        z.segmentId,
        n(z.name),
        z.roadClass,
        z.postedLimitKmh,
        JSON.stringify(z.polyline),
        n(box?.minLatitudeDeg),
        n(box?.minLongitudeDeg),
        n(box?.maxLatitudeDeg),
        n(box?.maxLongitudeDeg),
      ],
    );
  }

  async vehicle(vehicleId: string): Promise<VehicleRecord | undefined> {
    const { rows } = await this.pool.query<VehicleRow>('SELECT * FROM vehicles WHERE vehicle_id = $1', [vehicleId]);
    return rows[0] ? vehicleOf(rows[0]) : undefined;
  }

  async company(companyId: string): Promise<CompanyRecord | undefined> {
    const { rows } = await this.pool.query<{
      company_id: string;
      name: string;
      kind: CompanyRecord['kind'];
      region_code: string | null;
      licence_no: string | null;
      contact_phone: string | null;
      webhook_url: string | null;
    }>('SELECT * FROM companies WHERE company_id = $1', [companyId]);
    const r = rows[0];
    if (!r) return undefined;
    const c: CompanyRecord = { companyId: r.company_id, name: r.name, kind: r.kind };
    for (const [key, value] of [
      ['regionCode', r.region_code],
      ['licenceNo', r.licence_no],
      ['contactPhone', r.contact_phone],
      ['webhookUrl', r.webhook_url],
    ] as const) {
      if (value !== null && value !== undefined) c[key] = value;
    }
    return c;
  }

  /** Terminal → vehicle, as the gateway needs on register/auth. Unknown terminal → undefined. */
  async byTerminal(terminalId: string): Promise<{ terminal: TerminalRecord; vehicle?: VehicleRecord } | undefined> {
    // The vehicle's columns are NULL for a terminal bound to none.
    const { rows } = await this.pool.query<
      Pick<TerminalRow, 'terminal_id' | 'auth_code' | 'manufacturer_id' | 'model' | 'registered_at'> &
        Omit<VehicleRow, 'vehicle_id'> & { vehicle_id: string | null }
    >(
      `SELECT t.terminal_id, t.auth_code, t.manufacturer_id, t.model, t.registered_at, v.*
       FROM terminals t LEFT JOIN vehicles v ON v.vehicle_id = t.vehicle_id WHERE t.terminal_id = $1`,
      [terminalId],
    );
    const r = rows[0];
    if (!r) return undefined;
    const terminal: TerminalRecord = { terminalId: r.terminal_id };
    const vehicleId = r.vehicle_id;
    if (vehicleId) terminal.vehicleId = vehicleId;
    if (r.auth_code) terminal.authCode = r.auth_code;
    if (r.manufacturer_id) terminal.manufacturerId = r.manufacturer_id;
    if (r.model) terminal.model = r.model;
    if (r.registered_at) terminal.registeredAtMs = r.registered_at.getTime();
    return vehicleId ? { terminal, vehicle: vehicleOf({ ...r, vehicle_id: vehicleId }) } : { terminal };
  }

  async wimStation(stationId: string): Promise<WimStationRecord | undefined> {
    const { rows } = await this.pool.query<WimStationRow>('SELECT * FROM wim_stations WHERE station_id = $1', [stationId]);
    return rows[0] ? wimStationOf(rows[0]) : undefined;
  }

  async terminal(terminalId: string): Promise<TerminalRecord | undefined> {
    const { rows } = await this.pool.query<TerminalRow>('SELECT * FROM terminals WHERE terminal_id = $1', [terminalId]);
    return rows[0] ? terminalOf(rows[0]) : undefined;
  }

  async driver(driverId: string): Promise<DriverRecord | undefined> {
    const { rows } = await this.pool.query<DriverRow>('SELECT * FROM drivers WHERE driver_id = $1', [driverId]);
    return rows[0] ? driverOf(rows[0]) : undefined;
  }

  /** Whether a 货运源头单位 kind is configured (`source_site_kinds`). */
  async sourceSiteKindExists(kindCode: string): Promise<boolean> {
    const { rows } = await this.pool.query('SELECT 1 FROM source_site_kinds WHERE kind_code = $1', [kindCode]);
    return rows.length > 0;
  }

  async sourceSite(sourceSiteId: string): Promise<SourceSiteRecord | undefined> {
    const { rows } = await this.pool.query<SourceSiteRow>('SELECT * FROM source_sites WHERE source_site_id = $1', [sourceSiteId]);
    return rows[0] ? sourceSiteOf(rows[0]) : undefined;
  }

  async speedZone(segmentId: string): Promise<SpeedZoneRecord | undefined> {
    const { rows } = await this.pool.query<SpeedZoneRow>('SELECT * FROM road_speed_zones WHERE segment_id = $1', [segmentId]);
    return rows[0] ? speedZoneOf(rows[0]) : undefined;
  }

  // ─── pages (administration), ordered by id ───

  async terminals(filter: { vehicleId?: string | undefined }, page: RegistryPage): Promise<TerminalRecord[]> {
    return (await this.page<TerminalRow>('terminals', 'terminal_id', { vehicle_id: filter.vehicleId }, page)).map(terminalOf);
  }

  async drivers(filter: { companyId?: string | undefined }, page: RegistryPage): Promise<DriverRecord[]> {
    return (await this.page<DriverRow>('drivers', 'driver_id', { company_id: filter.companyId }, page)).map(driverOf);
  }

  async wimStations(filter: { kind?: string | undefined }, page: RegistryPage): Promise<WimStationRecord[]> {
    return (await this.page<WimStationRow>('wim_stations', 'station_id', { kind: filter.kind }, page)).map(wimStationOf);
  }

  async sourceSites(filter: { companyId?: string | undefined }, page: RegistryPage): Promise<SourceSiteRecord[]> {
    return (await this.page<SourceSiteRow>('source_sites', 'source_site_id', { company_id: filter.companyId }, page)).map(sourceSiteOf);
  }

  async speedZones(filter: { roadClass?: string | undefined }, page: RegistryPage): Promise<SpeedZoneRecord[]> {
    return (await this.page<SpeedZoneRow>('road_speed_zones', 'segment_id', { road_class: filter.roadClass }, page)).map(speedZoneOf);
  }

  /** Deletes one registry row; false when there was none. Whether it may go is the caller's decision. */
  async delete(table: RegistryTable, id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(`DELETE FROM ${table} WHERE ${REGISTRY_KEYS[table]} = $1`, [id]);
    return (rowCount ?? 0) > 0;
  }

  /** One page of a registry table's rows (`R`: the table's row). */
  private async page<R extends QueryResultRow>(
    table: RegistryTable,
    key: string,
    equals: Record<string, string | undefined>,
    page: RegistryPage,
  ): Promise<R[]> {
    const params: unknown[] = [];
    const where = Object.entries(equals).flatMap(([column, value]) => (value === undefined ? [] : [`${column} = $${params.push(value)}`]));
    const { rows } = await this.pool.query<R>(
      `SELECT * FROM ${table} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${key} LIMIT $${params.push(page.limit)} OFFSET $${params.push(page.offset)}`,
      params,
    );
    return rows;
  }

  /** Speed zones whose bounding box contains the point (exact matching is the caller's). */
  async speedZonesNear(latitudeDeg: number, longitudeDeg: number): Promise<SpeedZoneRecord[]> {
    const { rows } = await this.pool.query<SpeedZoneRow>(
      `SELECT segment_id, name, road_class, posted_limit_kmh, polyline FROM road_speed_zones
       WHERE min_lat <= $1 AND max_lat >= $1 AND min_lon <= $2 AND max_lon >= $2`,
      [latitudeDeg, longitudeDeg],
    );
    return rows.map(speedZoneOf);
  }
}
