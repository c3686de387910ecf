import type { StoragePool } from './pool';
import { OWNER_OF, ownerScopeSql, type OwnerScope } from './owner';
import type { Queryable } from './sql';

/**
 * A 接驳运输 relay registration (RULES.md §3): the vehicle runs the night of `nightDate` as
 * a relay — `handingOverDriver` hands over to `takingOverDriver` at `relayPoint` — and is
 * exempt from the 02:00–05:00 rule that night.
 */
export interface RelayRecord {
  relayId: string;
  vehicleId: string;
  /** The vehicle's plate as the registry has it now. */
  plate?: string;
  /** Local (GMT+8) date of the night's 02:00, YYYY-MM-DD. */
  nightDate: string;
  relayPoint: string;
  latitudeDeg?: number;
  longitudeDeg?: number;
  /** A driver id of the registry or a name. */
  handingOverDriver: string;
  takingOverDriver: string;
  /** The user who registered it. */
  registeredBy: string;
  /** The vehicle's company when it was registered. */
  companyId?: string;
  createdAtMs: number;
}

export type RelayInput = Omit<RelayRecord, 'relayId' | 'plate' | 'companyId' | 'createdAtMs'>;

export interface RelayQuery {
  /** The vehicle's owner now (company, region of the vehicle else its company), as for every record of a vehicle. */
  scope?: OwnerScope;
  vehicleId?: string;
  /** Inclusive YYYY-MM-DD bounds on the night. */
  fromDate?: string;
  toDate?: string;
  limit?: number;
  offset?: number;
}

// The date as text: pg would make a JavaScript Date of it at the process's local midnight.
const COLUMNS = `r.relay_id, r.vehicle_id, to_char(r.night_date, 'YYYY-MM-DD') AS night_date, r.relay_point, r.latitude_deg, r.longitude_deg,
  r.handing_over_driver, r.taking_over_driver, r.registered_by, r.company_id, r.created_at,
  (SELECT plate FROM vehicles WHERE vehicle_id = r.vehicle_id) AS plate`;

// A registration exists only for a registered vehicle: its owner is the vehicle's.
const OWNER = OWNER_OF.vehicle('v', 'c');
const SCOPED_FROM = `relay_registrations r JOIN vehicles v ON v.vehicle_id = r.vehicle_id LEFT JOIN companies c ON c.company_id = v.company_id`;

/** A registration as COLUMNS selects it (NULL is an absent optional field). */
interface RelayRow {
  relay_id: string;
  vehicle_id: string;
  /** YYYY-MM-DD (to_char). */
  night_date: string;
  relay_point: string;
  latitude_deg: number | null;
  longitude_deg: number | null;
  handing_over_driver: string;
  taking_over_driver: string;
  registered_by: string;
  company_id: string | null;
  created_at: Date;
  plate: string | null;
}

const relayOf = (r: RelayRow): RelayRecord => {
  const relay: RelayRecord = {
    relayId: r.relay_id,
    vehicleId: r.vehicle_id,
    nightDate: r.night_date,
    relayPoint: r.relay_point,
    handingOverDriver: r.handing_over_driver,
    takingOverDriver: r.taking_over_driver,
    registeredBy: r.registered_by,
    createdAtMs: r.created_at.getTime(),
  };
  if (r.latitude_deg !== null && r.longitude_deg !== null) {
    relay.latitudeDeg = r.latitude_deg;
    relay.longitudeDeg = r.longitude_deg;
  }
  if (r.company_id !== null) relay.companyId = r.company_id;
  if (r.plate !== null) relay.plate = r.plate;
  return relay;
};

/**
 * Every registration of the nights from `fromDate` (YYYY-MM-DD) on: what the detector holds
 * in memory and looks up per vehicle and night (reloaded like the rest of the registry).
 */
export const loadRelayNights = async (db: Queryable, fromDate: string): Promise<RelayRecord[]> => {
  const { rows } = await db.query<RelayRow>(`SELECT ${COLUMNS} FROM relay_registrations r WHERE r.night_date >= $1::date ORDER BY r.night_date, r.vehicle_id`, [
    fromDate,
  ]);
  return rows.map(relayOf);
};

/** Relay registrations: one per vehicle and night, the last registration of a night replacing the earlier one. */
export class RelayRepository {
  constructor(private readonly pool: StoragePool) {}

  /**
   * Registers (or re-registers) the vehicle's relay for the night; the id of a night already
   * registered is kept. Whether the caller may register for the vehicle is the caller's decision.
   */
  async upsert(relay: RelayInput): Promise<RelayRecord> {
    const { rows } = await this.pool.query<RelayRow>(
      `WITH saved AS (
         INSERT INTO relay_registrations AS r (vehicle_id, night_date, relay_point, latitude_deg, longitude_deg, handing_over_driver, taking_over_driver,
           registered_by, company_id)
         SELECT $1, $2::date, $3, $4, $5, $6, $7, $8, v.company_id FROM vehicles v WHERE v.vehicle_id = $1
         ON CONFLICT (vehicle_id, night_date) DO UPDATE SET relay_point = EXCLUDED.relay_point, latitude_deg = EXCLUDED.latitude_deg,
           longitude_deg = EXCLUDED.longitude_deg, handing_over_driver = EXCLUDED.handing_over_driver,
           taking_over_driver = EXCLUDED.taking_over_driver, registered_by = EXCLUDED.registered_by, company_id = EXCLUDED.company_id,
           updated_at = now()
         RETURNING r.*)
       SELECT ${COLUMNS} FROM saved r`,
      [
        relay.vehicleId,
        relay.nightDate,
        relay.relayPoint,
        relay.latitudeDeg ?? null,
        relay.longitudeDeg ?? null,
        relay.handingOverDriver,
        relay.takingOverDriver,
        relay.registeredBy,
      ],
    );
    if (!rows[0]) throw new Error(`storage: no vehicle ${relay.vehicleId} to register a relay for`);
    return relayOf(rows[0]);
  }

  /** By night, then vehicle; every filter optional. */
  async find(query: RelayQuery = {}): Promise<RelayRecord[]> {
    const params: unknown[] = [];
    const where = [ownerScopeSql(query.scope, OWNER, params)];
    if (query.vehicleId !== undefined) where.push(`r.vehicle_id = $${params.push(query.vehicleId)}`);
    if (query.fromDate !== undefined) where.push(`r.night_date >= $${params.push(query.fromDate)}::date`);
    if (query.toDate !== undefined) where.push(`r.night_date <= $${params.push(query.toDate)}::date`);
    const { rows } = await this.pool.query<RelayRow>(
      `SELECT ${COLUMNS} FROM ${SCOPED_FROM} WHERE ${where.join(' AND ')}
       ORDER BY r.night_date, r.vehicle_id LIMIT $${params.push(query.limit ?? 500)} OFFSET $${params.push(query.offset ?? 0)}`,
      params,
    );
    return rows.map(relayOf);
  }

  /** One registration if it exists and the scope admits its vehicle. */
  async get(relayId: string, scope?: OwnerScope): Promise<RelayRecord | undefined> {
    const params: unknown[] = [relayId];
    const { rows } = await this.pool.query<RelayRow>(
      `SELECT ${COLUMNS} FROM ${SCOPED_FROM} WHERE r.relay_id = $1 AND ${ownerScopeSql(scope, OWNER, params)}`,
      params,
    );
    return rows[0] ? relayOf(rows[0]) : undefined;
  }

  /** Deletes a registration the scope admits; false when there was none (or it is outside the scope). */
  async delete(relayId: string, scope?: OwnerScope): Promise<boolean> {
    const params: unknown[] = [relayId];
    const { rowCount } = await this.pool.query(
      `DELETE FROM relay_registrations d WHERE d.relay_id = $1
         AND EXISTS (SELECT 1 FROM ${SCOPED_FROM} WHERE r.relay_id = d.relay_id AND ${ownerScopeSql(scope, OWNER, params)})`,
      params,
    );
    return (rowCount ?? 0) > 0;
  }

  /** The nights from `fromDate` on (the detector's read). */
  nightsFrom(fromDate: string): Promise<RelayRecord[]> {
    return loadRelayNights(this.pool, fromDate);
  }
}
