import { readFileSync } from 'node:fs';
import type { VehicleRegistry } from '@roadwatch/domain';
import { buildRoadIndex, DEFAULT_RULES_CONFIG, type RoadIndex, type RulesConfig } from '@roadwatch/rules';
import { Reloader, type Logger } from '@roadwatch/runtime';
import { loadSpeedZoneFeatures, loadVehicleRegistry, type Queryable } from '@roadwatch/storage';
import type { VehicleDirectory } from './vehicle-directory';

/** A directory that answers from whatever registry the source holds now (a `Reloader`). */
export const reloadingDirectory = (source: { readonly current: VehicleDirectory }): VehicleDirectory => ({
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
 * hold (polygons, per-segment buffers).
 */
export const databaseRoadsLoader = (db: Queryable, options: { file?: string | undefined; config?: RulesConfig } = {}): (() => Promise<RoadIndex>) => {
  const base = options.file ? (JSON.parse(readFileSync(options.file, 'utf8')) as { features?: Array<{ properties?: { segmentId?: unknown } }> }) : undefined;
  // Fail at start-up, not at the first reload, when the file itself is bad.
  const config = options.config ?? DEFAULT_RULES_CONFIG;
  if (base) buildRoadIndex(base, config.roads);
  return async () => {
    const zones = await loadSpeedZoneFeatures(db);
    const fromDb = new Set(zones.features.map((f) => f.properties.segmentId));
    const fileFeatures = (base?.features ?? []).filter((f) => !fromDb.has(String(f.properties?.segmentId)));
    return buildRoadIndex({ ...base, type: 'FeatureCollection', features: [...fileFeatures, ...zones.features] }, config.roads);
  };
};

export interface DatabaseRegistry {
  /** Undefined when the vehicles come from elsewhere. */
  directory?: VehicleDirectory;
  /** The whole registry as loaded now (a gateway in the same process looks terminals up in it). */
  vehicles?: { readonly current: VehicleRegistry };
  /** Undefined when the roads come from elsewhere. */
  roads?: () => RoadIndex;
  /** Reload now (an administrator's change in the same process). */
  reload(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The registry read from PostgreSQL and reloaded every `intervalMs`: vehicles (with their
 * terminals) and/or speed zones. A failed reload keeps the last one (Reloader).
 */
export const startDatabaseRegistry = async (options: {
  db: Queryable;
  intervalMs: number;
  logger: Logger;
  vehicles: boolean;
  speedZones: boolean;
  roadsFile?: string | undefined;
  rulesConfig?: RulesConfig;
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
  const roads = options.speedZones
    ? await Reloader.start<RoadIndex>({
        name: 'road speed zones',
        load: databaseRoadsLoader(db, { file: options.roadsFile, ...(options.rulesConfig ? { config: options.rulesConfig } : {}) }),
        intervalMs,
        logger,
        onLoaded: (index) => logger.debug({ segments: index.features.length }, 'road index loaded'),
      })
    : undefined;
  return {
    ...(vehicles ? { directory: reloadingDirectory(vehicles), vehicles } : {}),
    ...(roads ? { roads: () => roads.current } : {}),
    reload: async () => {
      await Promise.all([vehicles?.reload(), roads?.reload()]);
    },
    close: async () => {
      await Promise.all([vehicles?.close(), roads?.close()]);
    },
  };
};
