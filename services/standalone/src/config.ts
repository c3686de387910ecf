import { z } from 'zod';
import { parseEnv, renameDeprecatedEnv, type DeprecatedEnvName } from '@roadwatch/contracts';

const port = z.coerce.number().int().min(0).max(65_535);

/** The embedded default: every value has a default, so `npm start` needs no environment. */
export const standaloneEnvSchema = z.object({
  ROADWATCH_DATA_DIR: z.string().default('.data'),
  GATEWAY_PORT: port.default(7808),
  /** The JT/T 809 gateway's main link, where company platforms log in (issue #17). */
  JT809_PORT: port.default(7809),
  /** Vehicles of the simulated fleet forwarded by a simulated company platform over JT/T 809 instead of their own 808 terminal. */
  SIM_JT809_VEHICLES: z.coerce.number().int().min(0).max(1_000).default(20),
  WIM_HTTP_PORT: port.default(8081),
  OPS_PORT: port.default(9400),
  /** REST, socket.io live feed and the live map, on one origin. */
  API_PORT: port.default(8080),
  /** Signs login tokens; a random one per run when unset (tokens then last until restart). */
  JWT_SECRET: z.string().min(16).optional(),
  /** The built web app (`npm run build -w web`); the map is not served when the folder is absent. */
  WEB_DIST_DIR: z.string().default('web/dist'),
  /**
   * Road segments and speed zones (GeoJSON) the speeding rule reads posted limits from, under the speed zones
   * administered in the registry (a segment id in both: the registry's wins).
   */
  ROADS_GEOJSON_FILE: z.string().default('libs/rules/data/sample-roads.geojson'),
  /** How often the detector and gateway reload the registry (vehicles, terminals, speed zones); an admin change through the API reloads at once. */
  REGISTRY_REFRESH_MS: z.coerce.number().int().min(1_000).default(60_000),
  /** Simulated vehicles, each a JT/T 808 terminal over TCP; 0 runs no simulation. */
  SIM_VEHICLES: z.coerce.number().int().min(0).max(20_000).default(200),
  /** false: register the simulated fleet but drive no terminal (a test drives its own). */
  SIM_DRIVE: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  SIM_REPORT_INTERVAL_MS: z.coerce.number().int().min(1_000).default(10_000),
  SIM_WIM_INTERVAL_MS: z.coerce.number().int().min(1_000).default(20_000),
  /** How often the issue #15 runs replay (the quarry truck's load-and-weigh, the cloned plate); once at start too. */
  SIM_FOUR_PARTIES_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(60_000)
    .default(30 * 60_000),
  /** How often the demo 班线 coach leaves its corridor for 5 km (issue #16: an off_route alert); once at start too. */
  SIM_OFF_ROUTE_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(60_000)
    .default(30 * 60_000),
  /** Stop by itself after this long (0 = run until interrupted); used by the smoke test. */
  RUN_FOR_MS: z.coerce.number().int().min(0).default(0),
  /** The first is the WIM station the simulated fleet posts as; the demo's quarry exit scale and G4 entrance scale follow (issue #15). */
  WIM_STATION_KEYS: z.string().default('ST-DEMO-01=demo-station-key,ST-DEMO-QUARRY-EXIT=demo-exit-key,ST-DEMO-G4-ENTRY=demo-entry-key'),
  /** Exit and entrance scales among the stations (`stationId=site_exit|entrance,…`); the rest are WIM stations. */
  WIM_STATION_KINDS: z.string().default('ST-DEMO-QUARRY-EXIT=site_exit,ST-DEMO-G4-ENTRY=entrance'),
});
export type StandaloneConfig = z.infer<typeof standaloneEnvSchema>;
/** Renamed in this release (the cluster services' names); the old names are read, with a warning, for one more. */
export const standaloneDeprecatedEnv: Record<string, DeprecatedEnvName> = {
  ROADS_GEOJSON: { replacedBy: 'ROADS_GEOJSON_FILE' },
};

export const loadStandaloneConfig = (env: Record<string, string | undefined> = process.env): StandaloneConfig =>
  parseEnv(standaloneEnvSchema, renameDeprecatedEnv(env, standaloneDeprecatedEnv).env);
