import type { Queryable } from './sql';

/** What still names a registry row (the evidence that keeps it from being deleted). */
export interface RegistryRowReferences {
  /** WIM records weighed by the station (only whether there is one: the table is large). */
  hasWimMeasurements: boolean;
  overloadViolations: number;
  /** 一超四罚 cases naming the driver or source site as a party. */
  caseParties: number;
}

/** Registry lookups beside `RegistryRepository`'s records: an id as it is stored, and what refers to a row. */
export class RegistryReferences {
  constructor(private readonly db: Queryable) {}

  /**
   * The id a terminal is stored under, padded or not: a SIM number arrives as `013800000001`
   * from one edition and `13800000001` from another, and both name one terminal; the exact id
   * wins when both are stored.
   */
  async storedTerminalId(terminalId: string): Promise<string | undefined> {
    const { rows } = await this.db.query<{ terminal_id: string }>(
      `SELECT terminal_id FROM terminals WHERE terminal_id = $1 OR (ltrim(terminal_id, '0') = ltrim($1, '0') AND ltrim($1, '0') <> '') ORDER BY terminal_id = $1 DESC LIMIT 1`,
      [terminalId],
    );
    return rows[0]?.terminal_id;
  }

  async ofWimStation(stationId: string): Promise<RegistryRowReferences> {
    const { rows } = await this.db.query<{ measured: boolean; violations: string }>(
      `SELECT EXISTS (SELECT 1 FROM wim_measurements WHERE station_id = $1) AS measured,
              (SELECT count(*) FROM overload_violations WHERE station_id = $1) AS violations`,
      [stationId],
    );
    const row = rows[0];
    return { hasWimMeasurements: row?.measured === true, overloadViolations: Number(row?.violations ?? 0), caseParties: 0 };
  }

  /** Cases naming the row as a party: `driver` (party_ref = driver id) or `source_unit` (a source site id). */
  async asCaseParty(party: 'driver' | 'source_unit', ref: string): Promise<RegistryRowReferences> {
    const { rows } = await this.db.query<{ n: string }>(`SELECT count(*) AS n FROM case_parties WHERE party = $1 AND party_ref = $2`, [party, ref]);
    return { hasWimMeasurements: false, overloadViolations: 0, caseParties: Number(rows[0]?.n ?? 0) };
  }
}
