import { escapeLike, inTransaction, toColumns } from './sql';
import type { StoragePool } from './pool';

/** One vehicle of the 运政 list (营运车辆), as validated by the import. */
export interface OperatingVehicle {
  plate: string;
  plateColour: number;
  companyId?: string;
  regionCode?: string;
  vehicleClass?: string;
  /** 报停: on the list, not operating. */
  suspended: boolean;
}

/** The 运政 list per month (`operating_vehicles`): the denominator of 入网率 (RULES.md §15: month-end list). */
export class OperatingVehicleRepository {
  constructor(private readonly pool: StoragePool) {}

  /**
   * Replaces the list of `listMonth` (`yyyy-mm-01`) — of one region when `regionPrefix` is set
   * (an operator re-imports its own region; other regions' rows of the month stay) — in one
   * transaction: the month is never seen half replaced.
   */
  async replaceMonth(
    listMonth: string,
    vehicles: readonly OperatingVehicle[],
    importedBy: string,
    regionPrefix?: string,
  ): Promise<{ deleted: number; inserted: number }> {
    return inTransaction(this.pool, async (client) => {
      const deleted = await client.query(
        regionPrefix === undefined
          ? `DELETE FROM operating_vehicles WHERE list_month = $1::date`
          : `DELETE FROM operating_vehicles WHERE list_month = $1::date AND region_code LIKE $2 || '%'`,
        regionPrefix === undefined ? [listMonth] : [listMonth, escapeLike(regionPrefix)],
      );
      const [plates, colours, companies, regions, classes, suspended] = toColumns(vehicles, 6, (v) => [
        v.plate,
        v.plateColour,
        v.companyId ?? null,
        v.regionCode ?? null,
        v.vehicleClass ?? null,
        v.suspended,
      ]);
      const inserted = await client.query(
        `INSERT INTO operating_vehicles (list_month, plate, plate_colour, company_id, region_code, vehicle_class, suspended, imported_by)
         SELECT $1::date, p, c, co, r, vc, s, $8 FROM unnest($2::text[], $3::smallint[], $4::text[], $5::text[], $6::text[], $7::boolean[]) AS t(p, c, co, r, vc, s)
         ON CONFLICT (list_month, plate, plate_colour) DO UPDATE SET company_id = EXCLUDED.company_id, region_code = EXCLUDED.region_code,
           vehicle_class = EXCLUDED.vehicle_class, suspended = EXCLUDED.suspended, imported_at = now(), imported_by = EXCLUDED.imported_by`,
        [listMonth, plates, colours, companies, regions, classes, suspended, importedBy],
      );
      return { deleted: deleted.rowCount ?? 0, inserted: inserted.rowCount ?? 0 };
    });
  }

  /** How many vehicles each imported month lists (the import page's history). */
  async months(regionPrefix?: string): Promise<{ listMonth: string; vehicles: number; suspended: number }[]> {
    const { rows } = await this.pool.query<{ m: string; n: string; s: string }>(
      `SELECT to_char(list_month, 'YYYY-MM') AS m, count(*) AS n, count(*) FILTER (WHERE suspended) AS s FROM operating_vehicles
       ${regionPrefix === undefined ? '' : `WHERE region_code LIKE $1 || '%'`} GROUP BY list_month ORDER BY list_month DESC`,
      regionPrefix === undefined ? [] : [escapeLike(regionPrefix)],
    );
    return rows.map((r) => ({ listMonth: r.m, vehicles: Number(r.n), suspended: Number(r.s) }));
  }
}
