import type { SourceSiteItem, WimStationItem } from '@roadwatch/contracts';
import { OWNER_OF, type StoragePool } from '@roadwatch/storage';
import type { Scope } from '../auth/scope';
import { compact, num, str } from './rows';

export interface SiteListQuery {
  limit: number;
  offset: number;
}

/**
 * The fixed places of the map's layers: WIM stations and 货运源头单位 source sites, read
 * from the registry tables and scoped like everything else.
 *
 * - Stations have a region but no owning company: a region scope matches the station's
 *   region code (a station without one is visible to unrestricted users only). Company
 *   users never get here (no `wim` capability).
 * - Source sites have a region and, when a registered company runs the site, its
 *   company: a company user sees the sites of its own company and nothing else.
 */
export class SitesRepository {
  constructor(private readonly pool: StoragePool) {}

  async wimStations(scope: Scope, q: SiteListQuery): Promise<WimStationItem[]> {
    const params: unknown[] = [];
    // No company runs a station: a company-scoped caller matches nothing (NULL = $n is never true).
    const where = scope.sql(OWNER_OF.place('s'), params);
    const { rows } = await this.pool.query(
      `SELECT s.station_id, s.name, s.kind, s.accuracy_class_pct, s.region_code, s.road_name, s.latitude_deg, s.longitude_deg
       FROM wim_stations s WHERE ${where} ORDER BY s.station_id LIMIT $${params.push(q.limit)} OFFSET $${params.push(q.offset)}`,
      params,
    );
    return rows.map(
      (r) =>
        compact({
          stationId: r.station_id,
          name: r.name,
          kind: r.kind,
          accuracyClassPct: num(r.accuracy_class_pct),
          regionCode: str(r.region_code),
          roadName: str(r.road_name),
          latitudeDeg: num(r.latitude_deg),
          longitudeDeg: num(r.longitude_deg),
        }) as WimStationItem,
    );
  }

  async sourceSites(scope: Scope, q: SiteListQuery): Promise<SourceSiteItem[]> {
    const params: unknown[] = [];
    const where = scope.sql(OWNER_OF.place('s', 'company_id'), params);
    const { rows } = await this.pool.query(
      `SELECT s.source_site_id, s.name, s.company_id, s.region_code, s.address, s.latitude_deg, s.longitude_deg
       FROM source_sites s WHERE ${where} ORDER BY s.source_site_id LIMIT $${params.push(q.limit)} OFFSET $${params.push(q.offset)}`,
      params,
    );
    return rows.map(
      (r) =>
        compact({
          sourceSiteId: r.source_site_id,
          name: r.name,
          companyId: str(r.company_id),
          regionCode: str(r.region_code),
          address: str(r.address),
          latitudeDeg: num(r.latitude_deg),
          longitudeDeg: num(r.longitude_deg),
        }) as SourceSiteItem,
    );
  }
}
