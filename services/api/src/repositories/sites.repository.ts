import type { SourceSiteItem, WimStationItem } from '@roadwatch/contracts';
import { PlaceReadModel, type StoragePool } from '@roadwatch/storage';
import type { Scope } from '../auth/scope';
import { compact } from './rows';

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
  private readonly places: PlaceReadModel;

  constructor(pool: StoragePool) {
    this.places = new PlaceReadModel(pool);
  }

  async wimStations(scope: Scope, q: SiteListQuery): Promise<WimStationItem[]> {
    return (await this.places.wimStations(scope.filter, q)).map((station) => compact({ ...station }) as WimStationItem);
  }

  async sourceSites(scope: Scope, q: SiteListQuery): Promise<SourceSiteItem[]> {
    return (await this.places.sourceSites(scope.filter, q)).map((site) => compact({ ...site }) as SourceSiteItem);
  }
}
