import type { TerminalCommandV1, TerminalDownlinkItem, TerminalDownlinkStatus } from '@roadwatch/contracts';
import { TOPICS } from '@roadwatch/contracts';
import { OWNER_OF, ownerScopeSql, type OwnerScope } from './owner';
import type { StoragePool } from './pool';
import { withinTransaction } from './outbox.repository';
import { msToTs } from './sql';

/**
 * Routes and areas sent to terminals (issue #16 item 6): what the API's send use case reads
 * (the vehicle's terminal, the approved route or area ban, each in the caller's scope), the
 * JT/T 808 id of each source (`terminal_geofences`), and each send with its outcome
 * (`terminal_downlinks`). The command leaves through the outbox in the transaction that records
 * it, so a send is recorded exactly when it is published.
 */

export type GeofenceSourceKind = 'route' | 'area_ban' | 'circle';

export interface VehicleTerminal {
  vehicleId: string;
  terminalId: string;
}

export interface RouteForTerminal {
  routeId: string;
  name: string;
  /** [[lon, lat], …] */
  polyline: Array<[number, number]>;
  corridorWidthM: number;
  retired: boolean;
  /** Whether the route is bound to the vehicle asked about. */
  boundToVehicle: boolean;
}

export interface AreaBanForTerminal {
  banId: string;
  name: string;
  /** [[lon, lat], …]; null for a region-wide ban (no area to send). */
  polygon: Array<[number, number]> | null;
  retired: boolean;
}

export interface DownlinkSend {
  commandId: string;
  vehicleId: string;
  terminalId: string;
  messageId: 0x8600 | 0x8604 | 0x8606;
  sourceKind: GeofenceSourceKind;
  sourceId: string;
  name: string;
  requestedBy: string;
  requestedAtMs: number;
}

interface DownlinkRow {
  command_id: string;
  vehicle_id: string;
  terminal_id: string;
  message_id: number;
  geofence_id: string;
  source_kind: GeofenceSourceKind;
  source_id: string;
  name: string;
  requested_by: string;
  requested_at: Date;
  status: TerminalDownlinkStatus;
  reason: string | null;
  answered_at: Date | null;
}

const downlinkOf = (r: DownlinkRow): TerminalDownlinkItem => ({
  commandId: r.command_id,
  vehicleId: r.vehicle_id,
  terminalId: r.terminal_id,
  messageId: r.message_id,
  geofenceId: Number(r.geofence_id),
  sourceKind: r.source_kind,
  sourceId: r.source_id,
  name: r.name,
  requestedBy: r.requested_by,
  requestedAtMs: r.requested_at.getTime(),
  status: r.status,
  ...(r.reason !== null ? { reason: r.reason } : {}),
  ...(r.answered_at !== null ? { answeredAtMs: r.answered_at.getTime() } : {}),
});

const VEHICLE_OWNER = OWNER_OF.vehicle('v', 'vc');
const DOWNLINK_SELECT = `SELECT d.*, g.source_kind, g.source_id, g.name
  FROM terminal_downlinks d JOIN terminal_geofences g ON g.geofence_id = d.geofence_id
  JOIN vehicles v ON v.vehicle_id = d.vehicle_id LEFT JOIN companies vc ON vc.company_id = v.company_id`;

/** Results after which nothing the gateway says later changes the row (a late `sent` never undoes an answer). */
const FINAL: readonly TerminalDownlinkStatus[] = ['acknowledged', 'failed', 'unsupported', 'undeliverable'];

export class TerminalGeofenceRepository {
  constructor(private readonly pool: StoragePool) {}

  /** The vehicle's terminal when the vehicle is in scope (undefined when it is not, or has no terminal). */
  async vehicleTerminal(vehicleId: string, scope: OwnerScope): Promise<VehicleTerminal | undefined> {
    const params: unknown[] = [vehicleId];
    const { rows } = await this.pool.query<{ vehicle_id: string; terminal_id: string | null }>(
      `SELECT v.vehicle_id, (SELECT t.terminal_id FROM terminals t WHERE t.vehicle_id = v.vehicle_id ORDER BY t.updated_at DESC LIMIT 1) AS terminal_id
       FROM vehicles v LEFT JOIN companies vc ON vc.company_id = v.company_id
       WHERE v.vehicle_id = $1 AND ${ownerScopeSql(scope, VEHICLE_OWNER, params)}`,
      params,
    );
    const row = rows[0];
    return row?.terminal_id ? { vehicleId: row.vehicle_id, terminalId: row.terminal_id } : undefined;
  }

  /** Whether the vehicle exists in scope at all (to tell "no terminal" from "no such vehicle"). */
  async vehicleInScope(vehicleId: string, scope: OwnerScope): Promise<boolean> {
    const params: unknown[] = [vehicleId];
    const { rows } = await this.pool.query(
      `SELECT 1 FROM vehicles v LEFT JOIN companies vc ON vc.company_id = v.company_id WHERE v.vehicle_id = $1 AND ${ownerScopeSql(scope, VEHICLE_OWNER, params)}`,
      params,
    );
    return rows.length > 0;
  }

  /** An approved route in scope (its region or company), and whether it is bound to the vehicle. */
  async route(routeId: string, vehicleId: string, scope: OwnerScope): Promise<RouteForTerminal | undefined> {
    const params: unknown[] = [routeId, vehicleId];
    const { rows } = await this.pool.query<{
      route_id: string;
      name: string;
      polyline: Array<[number, number]>;
      corridor_width_m: number;
      retired: boolean;
      bound: boolean;
    }>(
      `SELECT r.route_id, r.name, r.polyline, r.corridor_width_m, r.retired_at IS NOT NULL AS retired,
              EXISTS (SELECT 1 FROM route_vehicles rv WHERE rv.route_id = r.route_id AND rv.vehicle_id = $2) AS bound
       FROM approved_routes r WHERE r.route_id = $1 AND ${ownerScopeSql(scope, OWNER_OF.place('r', 'company_id'), params)}`,
      params,
    );
    const r = rows[0];
    return r
      ? { routeId: r.route_id, name: r.name, polyline: r.polyline, corridorWidthM: r.corridor_width_m, retired: r.retired, boundToVehicle: r.bound }
      : undefined;
  }

  /** An area ban in scope (its region). */
  async areaBan(banId: string, scope: OwnerScope): Promise<AreaBanForTerminal | undefined> {
    const params: unknown[] = [banId];
    const { rows } = await this.pool.query<{ ban_id: string; name: string; polygon: Array<[number, number]> | null; retired: boolean }>(
      `SELECT b.ban_id, b.name, b.polygon, b.retired_at IS NOT NULL AS retired FROM area_bans b
       WHERE b.ban_id = $1 AND ${ownerScopeSql(scope, OWNER_OF.place('b'), params)}`,
      params,
    );
    const b = rows[0];
    return b ? { banId: b.ban_id, name: b.name, polygon: b.polygon, retired: b.retired } : undefined;
  }

  /**
   * Records a send and puts its command on the outbox, in one transaction: the source's JT/T 808
   * id (taken once per source, kept after), the downlink row (`requested`), the outbox row.
   * `commandOf` builds the command once the id is known.
   */
  async recordSend(send: DownlinkSend, commandOf: (geofenceId: number) => TerminalCommandV1): Promise<TerminalDownlinkItem> {
    return withinTransaction(this.pool, async (db) => {
      const { rows: ids } = await db.query<{ geofence_id: string }>(
        `INSERT INTO terminal_geofences (source_kind, source_id, name) VALUES ($1, $2, $3)
         ON CONFLICT (source_kind, source_id) DO UPDATE SET name = EXCLUDED.name
         RETURNING geofence_id`,
        [send.sourceKind, send.sourceId, send.name],
      );
      const geofenceId = Number(ids[0]!.geofence_id);
      const command = commandOf(geofenceId);
      await db.query(
        `INSERT INTO terminal_downlinks (command_id, vehicle_id, terminal_id, message_id, geofence_id, requested_by, requested_at)
         VALUES ($1, $2, $3, $4, $5, $6, ${msToTs('$7::float8')})`,
        [send.commandId, send.vehicleId, send.terminalId, send.messageId, geofenceId, send.requestedBy, send.requestedAtMs],
      );
      await db.query(`INSERT INTO outbox (topic, message_key, payload) VALUES ($1, $2, $3::jsonb)`, [
        TOPICS.terminalCommands,
        command.terminalId,
        JSON.stringify(command),
      ]);
      return {
        commandId: send.commandId,
        vehicleId: send.vehicleId,
        terminalId: send.terminalId,
        messageId: send.messageId,
        geofenceId,
        sourceKind: send.sourceKind,
        sourceId: send.sourceId,
        name: send.name,
        requestedBy: send.requestedBy,
        requestedAtMs: send.requestedAtMs,
        status: 'requested',
      };
    });
  }

  /**
   * A gateway result for one of these sends (other commands' results change nothing): the
   * status moves on unless the row already has a final answer. Returns whether a row changed.
   */
  async applyResult(result: { commandId: string; status: TerminalDownlinkStatus; reason?: string | undefined; answeredAtMs: number }): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE terminal_downlinks SET status = $2, reason = $3, answered_at = ${msToTs('$4::float8')}
       WHERE command_id = $1 AND NOT (status = ANY ($5::text[]))`,
      [result.commandId, result.status, result.reason ?? null, result.answeredAtMs, FINAL],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Sends in scope (the vehicle's owner), newest first. */
  async list(filter: { vehicleId?: string | undefined; limit: number; offset: number }, scope: OwnerScope): Promise<TerminalDownlinkItem[]> {
    const params: unknown[] = [];
    const where = [ownerScopeSql(scope, VEHICLE_OWNER, params)];
    if (filter.vehicleId !== undefined) where.push(`d.vehicle_id = $${params.push(filter.vehicleId)}`);
    const { rows } = await this.pool.query<DownlinkRow>(
      `${DOWNLINK_SELECT} WHERE ${where.join(' AND ')}
       ORDER BY d.requested_at DESC, d.command_id LIMIT $${params.push(filter.limit)} OFFSET $${params.push(filter.offset)}`,
      params,
    );
    return rows.map(downlinkOf);
  }

  async get(commandId: string): Promise<TerminalDownlinkItem | undefined> {
    const { rows } = await this.pool.query<DownlinkRow>(`${DOWNLINK_SELECT} WHERE d.command_id = $1`, [commandId]);
    return rows[0] ? downlinkOf(rows[0]) : undefined;
  }
}
