import { readFileSync } from 'node:fs';
import { chinaDateOf, DAY_MS, type VehicleRegistry } from '@roadwatch/domain';
import {
  buildRoadIndex,
  DEFAULT_RULES_CONFIG,
  type RelayLookup,
  type RelayRegistration,
  type RoadIndex,
  type RosterDriverLookup,
  type RouteLookup,
  type RulesConfig,
} from '@roadwatch/rules';
import type { RegistryEntity } from '@roadwatch/contracts';
import { followRegistryChanges, type Bus, type Subscription } from '@roadwatch/messaging';
import { Reloader, type Logger } from '@roadwatch/runtime';
import { loadRelayNights, loadSpeedZoneFeatures, loadVehicleRegistry, loadWimStationClasses, type Queryable, type RelayRecord } from '@roadwatch/storage';
import { warnSkippedRoads } from '../rules/libs-position-rules';
import type { VehicleFactsLookup } from './vehicle-facts-lookup';
import { databaseRoutesLoader } from './database-routes';
import { databaseRosterLoader } from './database-roster';

/** A directory that answers from whatever registry the source holds now (a `Reloader`). */
export const reloadingDirectory = (source: { readonly current: VehicleFactsLookup }): VehicleFactsLookup => ({
  byVehicleId: (vehicleId) => source.current.byVehicleId(vehicleId),
  byPlate: (plate, plateColour) => source.current.byPlate(plate, plateColour),
  get size() {
    return source.current.size;
  },
});

/**
 * The road index from the `road_speed_zones` table, on top of a GeoJSON file when one is
 * given (ROADS_GEOJSON_FILE; read once). Where both have a segment with the same id, the
 * database's wins: it is the one an administrator edits. The file keeps what the table cannot
 * hold (polygons, per-segment buffers). A zone too large for the index (stored before the
 * contract bounded it) is left out with a warning on every load, the rest still loads.
 */
export const databaseRoadsLoader = (
  db: Queryable,
  options: { file?: string | undefined; config?: RulesConfig; logger?: Logger } = {},
): (() => Promise<RoadIndex>) => {
  const base = options.file ? (JSON.parse(readFileSync(options.file, 'utf8')) as { features?: Array<{ properties?: { segmentId?: unknown } }> }) : undefined;
  // Fail at start-up, not at the first reload, when the file itself is bad; say once what it leaves out.
  const config = options.config ?? DEFAULT_RULES_CONFIG;
  if (base) warnSkippedRoads(buildRoadIndex(base, config.roads).skipped, options.logger, options.file as string);
  return async () => {
    const zones = await loadSpeedZoneFeatures(db);
    const fromDb = new Set(zones.features.map((f) => f.properties.segmentId));
    const fileFeatures = (base?.features ?? []).filter((f) => !fromDb.has(String(f.properties?.segmentId)));
    const index = buildRoadIndex({ ...base, type: 'FeatureCollection', features: [...fileFeatures, ...zones.features] }, config.roads);
    warnSkippedRoads(
      index.skipped.filter((s) => fromDb.has(s.segmentId)),
      options.logger,
      'road_speed_zones',
    );
    return index;
  };
};

/** The 02:00–05:00 rule's lookup over the registrations loaded: one per vehicle and night. */
export const relayLookupOf = (records: readonly RelayRecord[]): RelayLookup => {
  const byNight = new Map<string, RelayRegistration>(
    records.map((r) => [`${r.vehicleId}|${r.nightDate}`, { vehicleId: r.vehicleId, nightDate: r.nightDate, relayPoint: r.relayPoint }]),
  );
  return (vehicleId, nightDate) => byNight.get(`${vehicleId}|${nightDate}`);
};

/**
 * Nights whose relays the detector holds, back from today. Not a RULES.md number: data received
 * weeks late is still judged, and the monitoring centre may register the relay of such a past
 * night (`/v1/relays`); a registration is one small row per vehicle and night.
 */
export const RELAY_NIGHTS_BACK_DAYS = 31;

/**
 * The relay registrations of the nights from RELAY_NIGHTS_BACK_DAYS ago on (local dates), as a
 * lookup: back-filled data of such a night is judged with its relay; an older night without one.
 */
export const databaseRelaysLoader =
  (db: Queryable, now: () => number = Date.now): (() => Promise<RelayLookup>) =>
  async () =>
    relayLookupOf(await loadRelayNights(db, chinaDateOf(now() - RELAY_NIGHTS_BACK_DAYS * DAY_MS)));

export interface DatabaseRegistry {
  /** Undefined when the vehicles come from elsewhere. */
  directory?: VehicleFactsLookup;
  /** The whole registry as loaded now (a gateway in the same process looks terminals up in it). */
  vehicles?: { readonly current: VehicleRegistry };
  /** Undefined when the roads come from elsewhere. */
  roads?: () => RoadIndex;
  /** Each WIM station's accuracy class loaded now, by station id (read with the vehicles); undefined when the vehicles come from elsewhere. */
  wimStationClasses?: () => Readonly<Record<string, number>>;
  /** The 接驳运输 registrations loaded now; undefined when not read from the database. */
  relays?: RelayLookup;
  /** Each vehicle's approved routes loaded now (RULES §11); undefined when not read from the database. */
  routes?: () => RouteLookup;
  /** The drivers' shift roster loaded now, for fatigue per driver without an IC card (RULES §13); undefined when not read from the database. */
  roster?: () => RosterDriverLookup;
  /** Reload now (a change made outside the API, which publishes none): everything read from the database. */
  reload(): Promise<void>;
  /** Reload the relay registrations alone. */
  reloadRelays(): Promise<void>;
  /** Reload what these entities' changes touch (a batch of `registry.changes`): each part at most once. */
  reloadFor(entities: Iterable<RegistryEntity>): Promise<void>;
  close(): Promise<void>;
}

/**
 * The registry read from PostgreSQL and reloaded every `intervalMs`: vehicles (with their
 * terminals, and the WIM stations' accuracy classes), speed zones and/or 接驳运输 relay
 * registrations. A failed reload keeps the last one (Reloader).
 */
export const startDatabaseRegistry = async (options: {
  db: Queryable;
  intervalMs: number;
  logger: Logger;
  vehicles: boolean;
  speedZones: boolean;
  relays?: boolean;
  /** Approved routes (issue #16), reloaded with the registry and on their `route` changes. */
  routes?: boolean;
  /** The drivers' shift roster (排班, RULES.md §13), reloaded with the registry and on its `driver_shift` and `driver` changes. */
  roster?: boolean;
  roadsFile?: string | undefined;
  rulesConfig?: RulesConfig;
  /** The clock that says which nights are yesterday's and later (tests). */
  now?: () => number;
  /**
   * Apply `registry.changes` at once (issue #12 item 5), in a group of this instance's own
   * (`groupId`); the period stays as a safety net for changes made outside the API.
   */
  changes?: { bus: Bus; groupId: string };
}): Promise<DatabaseRegistry> => {
  const { db, intervalMs, logger } = options;
  const vehicles = options.vehicles
    ? await Reloader.start<VehicleRegistry>({
        name: 'vehicle registry',
        load: () => loadVehicleRegistry(db),
        intervalMs,
        logger,
        onLoaded: (registry) => logger.debug({ vehicles: registry.size }, 'vehicle registry loaded'),
      })
    : undefined;
  // The stations are registry data like the vehicles whose weighings they score: read with them.
  const stations = options.vehicles
    ? await Reloader.start<Record<string, number>>({ name: 'WIM stations', load: () => loadWimStationClasses(db), intervalMs, logger })
    : undefined;
  const roads = options.speedZones
    ? await Reloader.start<RoadIndex>({
        name: 'road speed zones',
        load: databaseRoadsLoader(db, { file: options.roadsFile, logger, ...(options.rulesConfig ? { config: options.rulesConfig } : {}) }),
        intervalMs,
        logger,
        onLoaded: (index) => logger.debug({ segments: index.features.length }, 'road index loaded'),
      })
    : undefined;
  const relays = options.relays
    ? await Reloader.start<RelayLookup>({ name: 'relay registrations', load: databaseRelaysLoader(db, options.now), intervalMs, logger })
    : undefined;
  const routes = options.routes
    ? await Reloader.start<RouteLookup>({
        name: 'approved routes',
        load: databaseRoutesLoader(db, { ...(options.now ? { now: options.now } : {}), logger }),
        intervalMs,
        logger,
      })
    : undefined;
  const roster = options.roster
    ? await Reloader.start<RosterDriverLookup>({ name: 'drivers roster', load: databaseRosterLoader(db, options.now), intervalMs, logger })
    : undefined;
  // Which reloads an entity's change calls for: a company's region and a terminal's vehicle are read with the vehicles.
  const reloadersOf: Record<RegistryEntity, ReadonlyArray<{ reload(): Promise<boolean> } | undefined>> = {
    company: [vehicles],
    vehicle: [vehicles, routes],
    terminal: [vehicles],
    // A driver's 从业资格证 number is the key the roster names him by.
    driver: [roster],
    source_site: [],
    wim_station: [stations],
    speed_zone: [roads],
    relay: [relays],
    // A vehicle's routes name it: a vehicle's change (deleted, re-bound) reloads them too.
    route: [routes],
    driver_shift: [roster],
  };
  const reloadFor = async (entities: Iterable<RegistryEntity>): Promise<void> => {
    const due = new Set([...entities].flatMap((entity) => reloadersOf[entity] ?? []));
    await Promise.all([...due].map((reloader) => reloader?.reload()));
  };
  let subscription: Subscription | undefined;
  if (options.changes) {
    subscription = await followRegistryChanges(options.changes.bus, {
      groupId: options.changes.groupId,
      apply: (changes) => reloadFor(changes.map((change) => change.entity)),
    });
    // A change committed between the first load and the group's start is in neither: read once more.
    await Promise.all([vehicles?.reload(), stations?.reload(), roads?.reload(), relays?.reload(), routes?.reload(), roster?.reload()]);
  }
  return {
    ...(vehicles ? { directory: reloadingDirectory(vehicles), vehicles } : {}),
    ...(stations ? { wimStationClasses: () => stations.current } : {}),
    ...(roads ? { roads: () => roads.current } : {}),
    ...(relays ? { relays: (vehicleId: string, nightDate: string) => relays.current(vehicleId, nightDate) } : {}),
    ...(routes ? { routes: () => routes.current } : {}),
    ...(roster ? { roster: () => roster.current } : {}),
    reload: async () => {
      await Promise.all([vehicles?.reload(), stations?.reload(), roads?.reload(), relays?.reload(), routes?.reload(), roster?.reload()]);
    },
    reloadRelays: async () => {
      await relays?.reload();
    },
    reloadFor,
    close: async () => {
      await subscription?.close();
      await Promise.all([vehicles?.close(), stations?.close(), roads?.close(), relays?.close(), routes?.close(), roster?.close()]);
    },
  };
};
