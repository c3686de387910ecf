import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { describeZodError, infraEnvSchema, parseEnv, renameDeprecatedEnv, type DeprecatedEnvName } from '@roadwatch/contracts';
import { configPatchIssues, DEFAULT_RULES_CONFIG, mergeConfigPatch, type ConfigPatch, type RulesConfig } from '@roadwatch/rules';
import { VehicleRegistry } from '@roadwatch/domain';
import { loadRegistryExportFile, parseRegistryExport } from '@roadwatch/runtime';
import type { VehicleFactsLookup } from './directory/vehicle-facts-lookup';
import type { RestArea } from './reminders/fatigue-reminder';

export const detectorEnvSchema = infraEnvSchema
  .extend({
    DETECTOR_GROUP_ID: z.string().min(1).default('detector'),
    OPS_PORT: z.coerce.number().int().min(0).max(65_535).default(9483),
    /** How often the timers run (the vehicles due: held reports released, offline, quality snapshots, idle limit); 0 = never. */
    TIMERS_INTERVAL_MS: z.coerce.number().int().nonnegative().default(60_000),
    /**
     * Checkpoint cadence per partition: its changed vehicles go to Redis once this long passed since its
     * last checkpoint, or once CHECKPOINT_EVERY_RECORDS records were handled since, whichever first
     * (and on every timer tick that changed a vehicle, and on revoke). Alerts are published per batch
     * regardless; the consumer commits only through the last checkpoint, so a crash replays at most
     * this much. 0 = after every batch.
     */
    CHECKPOINT_INTERVAL_MS: z.coerce.number().int().nonnegative().max(30_000).default(5_000),
    CHECKPOINT_EVERY_RECORDS: z.coerce.number().int().min(1).default(20_000),
    /**
     * The positions consumer's fetches: the broker answers once KAFKA_FETCH_MIN_BYTES are there or
     * KAFKA_FETCH_MAX_WAIT_MS passed. A live stream then comes in fewer, larger batches (each batch
     * costs a fetch, a publish and its bookkeeping) for at most the wait in added alert latency.
     * KAFKA_FETCH_MIN_BYTES=1: answer with whatever is there (kafkajs's default).
     */
    KAFKA_FETCH_MIN_BYTES: z.coerce.number().int().min(1).default(65_536),
    KAFKA_FETCH_MAX_WAIT_MS: z.coerce.number().int().min(1).max(5_000).default(200),
    /**
     * Where vehicles come from: `file` (VEHICLE_REGISTRY_FILE or VEHICLE_REGISTRY_JSON, read once; neither = no registry)
     * or `database` (the registry tables at DATABASE_URL, reloaded every REGISTRY_REFRESH_MS). With `database` the
     * 接驳运输 relay registrations of the nights from yesterday on are read too (the 02:00–05:00 rule's exemption);
     * with `file` there are none.
     */
    VEHICLE_REGISTRY_SOURCE: z.enum(['file', 'database']).default('file'),
    /**
     * The registry export (`vehicleRegistryFile` of @roadwatch/contracts, shared with the gateway, or `registryExportFile`:
     * `{ vehicles, wimStations }` with each station's accuracy class); or the same JSON inline in VEHICLE_REGISTRY_JSON.
     */
    VEHICLE_REGISTRY_FILE: z.string().min(1).optional(),
    VEHICLE_REGISTRY_JSON: z.string().min(1).optional(),
    /**
     * `database`: the speed zones of the registry (road_speed_zones at DATABASE_URL), reloaded every REGISTRY_REFRESH_MS,
     * over ROADS_GEOJSON_FILE when that is given too (a segment id in both: the database's wins). `none`: the file alone.
     */
    SPEED_ZONES_SOURCE: z.enum(['none', 'database']).default('none'),
    /** Reload period of the database registry (vehicles with their relay registrations, and speed zones). */
    REGISTRY_REFRESH_MS: z.coerce.number().int().min(1_000).default(60_000),
    /** JSON array of { name, latitudeDeg, longitudeDeg } service areas named in fatigue reminders. */
    REST_AREAS_FILE: z.string().min(1).optional(),
    /** GeoJSON FeatureCollection of road segments / speed zones (libs/rules/data/sample-roads.geojson is the demo's). */
    ROADS_GEOJSON_FILE: z.string().min(1).optional(),
    FATIGUE_REMINDERS: z.enum(['on', 'off']).default('on'),
    /**
     * JSON `{ "base": patch, "regions": { "<行政区划代码 prefix>": patch } }` over RULES.md's
     * defaults (`DEFAULT_RULES_CONFIG` of @roadwatch/rules): a province's or city's own
     * thresholds, e.g. a provincial hazmat time-window ban. Checked at start.
     */
    RULES_CONFIG_FILE: z.string().min(1).optional(),
  })
  .refine((env) => env.VEHICLE_REGISTRY_SOURCE !== 'database' || (!env.VEHICLE_REGISTRY_FILE && !env.VEHICLE_REGISTRY_JSON), {
    message: 'VEHICLE_REGISTRY_FILE / VEHICLE_REGISTRY_JSON are not read with VEHICLE_REGISTRY_SOURCE=database; give one source',
    path: ['VEHICLE_REGISTRY_SOURCE'],
  });

export type DetectorConfig = z.infer<typeof detectorEnvSchema>;

/** Where the per-vehicle state lives in Redis, under the platform's one key prefix. */
export const DETECTOR_STATE_KEY_PART = 'detector:';

/** Renamed in this release; the old names are read, with a warning, for one more. */
export const detectorDeprecatedEnv: Record<string, DeprecatedEnvName> = {
  // It always drove every timer, not only the offline check.
  OFFLINE_CHECK_INTERVAL_MS: { replacedBy: 'TIMERS_INTERVAL_MS' },
  // The state lived at DETECTOR_STATE_PREFIX (default `roadwatch:detector:`), now at REDIS_KEY_PREFIX + `detector:`:
  // the old value without its `detector:` tail names the same keys.
  DETECTOR_STATE_PREFIX: {
    replacedBy: 'REDIS_KEY_PREFIX',
    to: (value) => ({
      REDIS_KEY_PREFIX:
        value.endsWith(DETECTOR_STATE_KEY_PART) && value.length > DETECTOR_STATE_KEY_PART.length ? value.slice(0, -DETECTOR_STATE_KEY_PART.length) : value,
    }),
  },
};

export const loadDetectorConfig = (env: Record<string, string | undefined> = process.env): DetectorConfig =>
  parseEnv(detectorEnvSchema, renameDeprecatedEnv(env, detectorDeprecatedEnv).env);

/**
 * The file registry (VEHICLE_REGISTRY_SOURCE=file): the vehicles and, in the export's object
 * form, the WIM stations' accuracy classes; the database one is `startDatabaseRegistry`'s.
 */
export const registryFromConfig = (config: DetectorConfig): { directory: VehicleFactsLookup; wimStationClasses: Record<string, number> } => {
  const parsed = config.VEHICLE_REGISTRY_FILE
    ? loadRegistryExportFile(config.VEHICLE_REGISTRY_FILE)
    : config.VEHICLE_REGISTRY_JSON
      ? parseRegistryExport(config.VEHICLE_REGISTRY_JSON, 'VEHICLE_REGISTRY_JSON')
      : { vehicles: new VehicleRegistry(), wimStationClasses: {} };
  return { directory: parsed.vehicles, wimStationClasses: parsed.wimStationClasses };
};

export const directoryFromConfig = (config: DetectorConfig): VehicleFactsLookup => registryFromConfig(config).directory;

const restAreaSchema = z.array(z.object({ name: z.string().min(1), latitudeDeg: z.number(), longitudeDeg: z.number() }));

export const restAreasFromConfig = (config: DetectorConfig): RestArea[] =>
  config.REST_AREAS_FILE ? restAreaSchema.parse(JSON.parse(readFileSync(config.REST_AREAS_FILE, 'utf8'))) : [];

const rulesFileSchema = z
  .object({
    base: z.record(z.string(), z.unknown()).optional(),
    regions: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  })
  .strict();

export interface RulesFromConfig {
  config: RulesConfig;
  overridesByRegion: Record<string, ConfigPatch<RulesConfig>>;
}

/**
 * The configured time-window bans (`nightBan.timeWindowBans`) became administered area bans
 * (issue #16): a file still holding them is refused — silently dropping a provincial ban would
 * stop enforcing it — with the request that creates each as a region-wide area ban.
 */
const movedTimeWindowBans = (patch: Record<string, unknown>, where: string, regionCode: string | undefined): string | undefined => {
  const nightBan = patch['nightBan'];
  if (typeof nightBan !== 'object' || nightBan === null || !('timeWindowBans' in nightBan)) return undefined;
  const bans = (nightBan as { timeWindowBans: unknown }).timeWindowBans;
  const requests = (Array.isArray(bans) ? bans : []).map((ban: Record<string, unknown>) => {
    const banId = String(ban['id'] ?? 'ban');
    const body = {
      banId,
      name: ban['description'] ?? banId,
      regionCode: regionCode ?? '<the province or city whose ban it is>',
      vehicleClasses: ban['vehicleClasses'],
      windows: [{ from: ban['start'], to: ban['end'] }],
      ...(Array.isArray(ban['roadClasses']) ? { roadClasses: ban['roadClasses'] } : {}),
    };
    return `PUT /v1/area-bans/${banId} ${JSON.stringify(body)}`;
  });
  return (
    `${where}.nightBan.timeWindowBans: time-window bans are administered as area bans now (no polygon = region-wide: the vehicles registered in regionCode); ` +
    `they count at ≥ 3 min or ≥ 1 km moving (RULES.md §15), not a tolerance. Remove the setting and create ${requests.length === 1 ? 'it' : 'them'}: ${requests.join(' ; ') || '(none listed)'}`
  );
};

/** The rules' configuration: RULES.md's defaults with the file's patches, each checked (a misspelt key stops the start). */
export const rulesFromConfig = (config: Pick<DetectorConfig, 'RULES_CONFIG_FILE'>): RulesFromConfig => {
  if (!config.RULES_CONFIG_FILE) return { config: DEFAULT_RULES_CONFIG, overridesByRegion: {} };
  const where = `RULES_CONFIG_FILE ${config.RULES_CONFIG_FILE}`;
  const parsed = rulesFileSchema.safeParse(JSON.parse(readFileSync(config.RULES_CONFIG_FILE, 'utf8')));
  if (!parsed.success) throw new Error(`${where}: ${describeZodError(parsed.error)}`);
  const { base = {}, regions = {} } = parsed.data;
  const moved = [
    movedTimeWindowBans(base, 'base', undefined),
    ...Object.entries(regions).map(([code, patch]) => movedTimeWindowBans(patch, `regions.${code}`, code)),
  ];
  if (moved.some((m) => m !== undefined)) throw new Error(`${where}: ${moved.filter((m) => m !== undefined).join('; ')}`);
  const issues = [
    ...Object.keys(regions)
      .filter((code) => !/^\d{2,12}$/.test(code))
      .map((code) => `regions.${code}: not a 行政区划代码 prefix (2–12 digits)`),
    ...configPatchIssues(DEFAULT_RULES_CONFIG, base, 'base'),
    ...Object.entries(regions).flatMap(([code, patch]) => configPatchIssues(DEFAULT_RULES_CONFIG, patch, `regions.${code}`)),
  ];
  if (issues.length > 0) throw new Error(`${where}: ${issues.join('; ')}`);
  return {
    config: mergeConfigPatch<RulesConfig>(DEFAULT_RULES_CONFIG, base as ConfigPatch<RulesConfig>),
    overridesByRegion: regions as Record<string, ConfigPatch<RulesConfig>>,
  };
};
