import type { CardEvent, RosterShift } from '@roadwatch/rules';
import type { StoragePool } from './pool';
import { inTransaction, msToTs, type Queryable } from './sql';

/** One 0x0702 report as the archiver stores it (`driver_card_events`). */
export interface DriverCardEventRecord {
  terminalId: string;
  vehicleId: string | null;
  reportedAtMs: number;
  event: 'sign_in' | 'sign_out' | 'read_failed';
  driverName?: string | null;
  qualificationNo?: string | null;
  issuingAuthority?: string | null;
  /** 'YYYY-MM-DD'. */
  cardValidUntil?: string | null;
  idCardNo?: string | null;
}

/**
 * The archiver's writes of `driver_card_events`: idempotent on (terminal, instant, event), the
 * registry's driver resolved by 从业资格证 number within the vehicle's company (a card of
 * another company's driver names nobody: companies never share drivers' identities).
 */
export class DriverCardEventRepository {
  constructor(private readonly pool: StoragePool) {}

  /** Returns how many reports were new. */
  async insertMany(events: readonly DriverCardEventRecord[]): Promise<number> {
    if (events.length === 0) return 0;
    const rows = events.map((e) => ({
      terminal_id: e.terminalId,
      vehicle_id: e.vehicleId,
      reported_at_ms: e.reportedAtMs,
      event: e.event,
      driver_name: e.driverName ?? null,
      qualification_no: e.qualificationNo ?? null,
      issuing_authority: e.issuingAuthority ?? null,
      card_valid_until: e.cardValidUntil ?? null,
      id_card_no: e.idCardNo ?? null,
    }));
    const result = await this.pool.query(
      `INSERT INTO driver_card_events (terminal_id, vehicle_id, reported_at, event, driver_name, qualification_no, issuing_authority, card_valid_until, id_card_no, driver_id)
       SELECT r.terminal_id, r.vehicle_id, ${msToTs('r.reported_at_ms')}, r.event, r.driver_name, r.qualification_no, r.issuing_authority, r.card_valid_until, r.id_card_no,
              (SELECT d.driver_id FROM drivers d JOIN vehicles v ON v.vehicle_id = r.vehicle_id AND v.company_id = d.company_id
                WHERE r.event = 'sign_in' AND r.qualification_no IS NOT NULL AND d.qualification_no = r.qualification_no
                ORDER BY d.driver_id LIMIT 1)
       FROM jsonb_to_recordset($1::jsonb) AS r(terminal_id text, vehicle_id text, reported_at_ms float8, event text, driver_name text,
            qualification_no text, issuing_authority text, card_valid_until date, id_card_no text)
       ON CONFLICT (terminal_id, reported_at, event) DO NOTHING`,
      [JSON.stringify(rows)],
    );
    return result.rowCount ?? 0;
  }
}

/** A shift of the roster (`driver_shifts`), [startsAtMs, endsAtMs). */
export interface DriverShiftRecord {
  shiftId: string;
  companyId: string;
  driverId: string;
  vehicleId: string;
  startsAtMs: number;
  endsAtMs: number;
}

export interface DriverShiftQuery {
  companyId?: string | undefined;
  vehicleId?: string | undefined;
  driverId?: string | undefined;
  /** Shifts overlapping [fromMs, toMs). */
  fromMs?: number | undefined;
  toMs?: number | undefined;
  limit: number;
  offset: number;
}

interface ShiftRow {
  shift_id: string;
  company_id: string;
  driver_id: string;
  vehicle_id: string;
  starts_at: Date;
  ends_at: Date;
}
const shiftOf = (r: ShiftRow): DriverShiftRecord => ({
  shiftId: r.shift_id,
  companyId: r.company_id,
  driverId: r.driver_id,
  vehicleId: r.vehicle_id,
  startsAtMs: r.starts_at.getTime(),
  endsAtMs: r.ends_at.getTime(),
});

/**
 * The roster's writes (the API's use cases) and reads. A vehicle has one driver per shift: a
 * shift overlapping another of its vehicle is refused, checked under the vehicle's advisory
 * lock so two concurrent saves cannot both pass.
 */
export class DriverShiftRepository {
  constructor(private readonly pool: StoragePool) {}

  /**
   * Inserts or replaces the shift; returns the overlapping shift instead when there is one (nothing written).
   * `announce` runs in the same transaction after the write (the `registry.changes` outbox row: the detector reloads the roster).
   */
  async save(
    shift: DriverShiftRecord,
    announce?: (tx: Queryable) => Promise<unknown>,
  ): Promise<{ saved: true } | { saved: false; overlapping: DriverShiftRecord }> {
    return inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`roadwatch:driver_shifts:${shift.vehicleId}`]);
      const { rows } = await client.query<ShiftRow>(
        `SELECT * FROM driver_shifts
          WHERE vehicle_id = $1 AND shift_id <> $2 AND starts_at < ${msToTs('$4::float8')} AND ends_at > ${msToTs('$3::float8')}
          ORDER BY starts_at LIMIT 1`,
        [shift.vehicleId, shift.shiftId, shift.startsAtMs, shift.endsAtMs],
      );
      if (rows[0]) return { saved: false as const, overlapping: shiftOf(rows[0]) };
      await client.query(
        `INSERT INTO driver_shifts (shift_id, company_id, driver_id, vehicle_id, starts_at, ends_at)
         VALUES ($1, $2, $3, $4, ${msToTs('$5::float8')}, ${msToTs('$6::float8')})
         ON CONFLICT (shift_id) DO UPDATE SET company_id = EXCLUDED.company_id, driver_id = EXCLUDED.driver_id, vehicle_id = EXCLUDED.vehicle_id,
           starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at, updated_at = now()`,
        [shift.shiftId, shift.companyId, shift.driverId, shift.vehicleId, shift.startsAtMs, shift.endsAtMs],
      );
      await announce?.(client);
      return { saved: true as const };
    });
  }

  /** Whether a shift was deleted; `announce` runs in the same transaction when one was. */
  async delete(shiftId: string, announce?: (tx: Queryable) => Promise<unknown>): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      const deleted = ((await client.query('DELETE FROM driver_shifts WHERE shift_id = $1', [shiftId])).rowCount ?? 0) > 0;
      if (deleted) await announce?.(client);
      return deleted;
    });
  }

  async shift(shiftId: string): Promise<DriverShiftRecord | undefined> {
    const { rows } = await this.pool.query<ShiftRow>('SELECT * FROM driver_shifts WHERE shift_id = $1', [shiftId]);
    return rows[0] ? shiftOf(rows[0]) : undefined;
  }

  /** Oldest first; every filter optional. */
  async find(q: DriverShiftQuery): Promise<DriverShiftRecord[]> {
    const params: unknown[] = [];
    const where = ['true'];
    if (q.companyId !== undefined) where.push(`company_id = $${params.push(q.companyId)}`);
    if (q.vehicleId !== undefined) where.push(`vehicle_id = $${params.push(q.vehicleId)}`);
    if (q.driverId !== undefined) where.push(`driver_id = $${params.push(q.driverId)}`);
    if (q.toMs !== undefined) where.push(`starts_at < ${msToTs(`$${params.push(q.toMs)}::float8`)}`);
    if (q.fromMs !== undefined) where.push(`ends_at > ${msToTs(`$${params.push(q.fromMs)}::float8`)}`);
    const { rows } = await this.pool.query<ShiftRow>(
      `SELECT * FROM driver_shifts WHERE ${where.join(' AND ')} ORDER BY starts_at, shift_id LIMIT $${params.push(q.limit)} OFFSET $${params.push(q.offset)}`,
      params,
    );
    return rows.map(shiftOf);
  }
}

/**
 * What `driverOnDuty` reads for one vehicle at one instant: the card reports since the last
 * sign-out at or before it (older ones cannot cover it) and the roster's shifts covering it.
 */
export class DriverDutyReadModel {
  constructor(private readonly pool: StoragePool) {}

  async cardEventsBefore(vehicleId: string, atMs: number): Promise<CardEvent[]> {
    const { rows } = await this.pool.query<{ event: CardEvent['event']; reported_at: Date; driver_id: string | null }>(
      `SELECT event, reported_at, driver_id FROM driver_card_events e
        WHERE e.vehicle_id = $1 AND e.reported_at <= ${msToTs('$2::float8')}
          AND e.reported_at >= coalesce((SELECT max(o.reported_at) FROM driver_card_events o
                                          WHERE o.vehicle_id = $1 AND o.event = 'sign_out' AND o.reported_at <= ${msToTs('$2::float8')}), '-infinity')
        ORDER BY reported_at`,
      [vehicleId, atMs],
    );
    return rows.map((r) => ({ event: r.event, atMs: r.reported_at.getTime(), driverId: r.driver_id }));
  }

  async shiftsAt(vehicleId: string, atMs: number): Promise<Array<RosterShift & { shiftId: string }>> {
    const { rows } = await this.pool.query<ShiftRow>(
      `SELECT * FROM driver_shifts WHERE vehicle_id = $1 AND starts_at <= ${msToTs('$2::float8')} AND ends_at > ${msToTs('$2::float8')} ORDER BY starts_at`,
      [vehicleId, atMs],
    );
    return rows.map((r) => ({ shiftId: r.shift_id, driverId: r.driver_id, fromMs: r.starts_at.getTime(), toMs: r.ends_at.getTime() }));
  }
}
