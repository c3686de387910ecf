import { OWNER_OF, ownerScopeSql, type OwnerScope } from './owner';
import type { SourceSiteRow, WimStationRow } from './registry.repository';
import { num, undef, type Queryable } from './sql';

export interface PlacePage {
  limit: number;
  offset: number;
}

export interface WimStationPlace {
  stationId: string;
  name: string;
  kind: string;
  accuracyClassPct: number | undefined;
  regionCode: string | undefined;
  roadName: string | undefined;
  latitudeDeg: number | undefined;
  longitudeDeg: number | undefined;
}

export interface SourceSitePlace {
  sourceSiteId: string;
  name: string;
  companyId: string | undefined;
  regionCode: string | undefined;
  address: string | undefined;
  latitudeDeg: number | undefined;
  longitudeDeg: number | undefined;
}

/** The columns a station's place is drawn from. */
type WimStationDbRow = Pick<
  WimStationRow,
  'station_id' | 'name' | 'kind' | 'accuracy_class_pct' | 'region_code' | 'road_name' | 'latitude_deg' | 'longitude_deg'
>;

/**
 * The fixed places of the map's layers, scoped as `OWNER_OF.place`: WIM stations (a region,
 * no company: a company scope matches none) and 货运源头单位 source sites (a region and the
 * company running the site).
 */
export class PlaceReadModel {
  constructor(private readonly db: Queryable) {}

  async wimStations(scope: OwnerScope, page: PlacePage): Promise<WimStationPlace[]> {
    const params: unknown[] = [];
    const where = ownerScopeSql(scope, OWNER_OF.place('s'), params);
    const { rows } = await this.db.query<WimStationDbRow>(
      `SELECT s.station_id, s.name, s.kind, s.accuracy_class_pct, s.region_code, s.road_name, s.latitude_deg, s.longitude_deg
       FROM wim_stations s WHERE ${where} ORDER BY s.station_id LIMIT $${params.push(page.limit)} OFFSET $${params.push(page.offset)}`,
      params,
    );
    return rows.map((r) => ({
      stationId: r.station_id,
      name: r.name,
      kind: r.kind,
      accuracyClassPct: num(r.accuracy_class_pct),
      regionCode: undef(r.region_code),
      roadName: undef(r.road_name),
      latitudeDeg: num(r.latitude_deg),
      longitudeDeg: num(r.longitude_deg),
    }));
  }

  async sourceSites(scope: OwnerScope, page: PlacePage): Promise<SourceSitePlace[]> {
    const params: unknown[] = [];
    const where = ownerScopeSql(scope, OWNER_OF.place('s', 'company_id'), params);
    const { rows } = await this.db.query<SourceSiteRow>(
      `SELECT s.source_site_id, s.name, s.company_id, s.region_code, s.address, s.latitude_deg, s.longitude_deg
       FROM source_sites s WHERE ${where} ORDER BY s.source_site_id LIMIT $${params.push(page.limit)} OFFSET $${params.push(page.offset)}`,
      params,
    );
    return rows.map((r) => ({
      sourceSiteId: r.source_site_id,
      name: r.name,
      companyId: undef(r.company_id),
      regionCode: undef(r.region_code),
      address: undef(r.address),
      latitudeDeg: num(r.latitude_deg),
      longitudeDeg: num(r.longitude_deg),
    }));
  }
}
