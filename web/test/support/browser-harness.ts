import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { globSync } from 'tinyglobby';
import { build } from 'vite';
import { TOPICS, type TopicName } from '@roadwatch/contracts';
import { InProcessBus, KafkaBus } from '@roadwatch/messaging';
import { createLogger, ServiceMetrics, type Logger } from '@roadwatch/runtime';
import { createPool, dropStorageSchema, migrate, type StoragePool } from '@roadwatch/storage';
import { infraEnv, TestTerminal, uniqueName, FREE_PLATFORM_PORTS } from '@roadwatch/testing';
import { startApi, type ApiOptions, type RunningApi } from '@roadwatch/api';
import { loadStandaloneConfig, startPlatform, type RunningPlatform } from '@roadwatch/standalone';

/**
 * What every browser test shares: headless Chromium with the same flags, the web app built
 * once per source state and shared by every test file and worker, sign-in, page errors and
 * screenshots under artifacts/.
 */
export const WEB_DIR = resolve(import.meta.dirname, '../..');
export const REPO_ROOT = resolve(WEB_DIR, '..');
export const ARTIFACTS_DIR = join(REPO_ROOT, 'artifacts');

/** Flags for the system Chromium (never a downloaded browser): no sandbox, no GPU, no calls home. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const launchChromium = (): Promise<Browser> => chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS] });

/** What the built app is made of: the web app and the workspace libs it imports, plus the locked dependency versions. */
const BUILD_INPUT_GLOBS = [
  'web/index.html',
  'web/vite.config.ts',
  'web/package.json',
  'web/src/**/*',
  'web/public/**/*',
  'libs/contracts/src/**/*',
  'libs/domain/src/**/*',
  'package-lock.json',
];
const BUILD_INPUT_IGNORE = ['**/*.spec.ts'];

/** A hash of every build input's path and bytes: the same sources give the same cached app. */
export const webSourcesHash = (repoRoot = REPO_ROOT): string => {
  const hash = createHash('sha256');
  for (const file of globSync(BUILD_INPUT_GLOBS, { cwd: repoRoot, ignore: BUILD_INPUT_IGNORE, onlyFiles: true }).sort()) {
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(repoRoot, file)))
      .update('\0');
  }
  return hash.digest('hex').slice(0, 16);
};

export interface BuiltWebAppOptions {
  /** Where the cached builds live; the OS temp dir unless a test wants its own. */
  cacheRoot?: string;
  /** A lock older than this is taken to belong to a build that died, and is broken. */
  staleLockMs?: number;
  /** How often a waiting worker looks whether the build is there. */
  pollMs?: number;
  /** The build itself; vite with the app's own config unless a test stands in its own. */
  buildInto?: (outDir: string) => Promise<void>;
  /** The key of the build; the hash of the web sources unless given. */
  key?: string;
}

const viteBuildInto = async (outDir: string): Promise<void> => {
  await build({ root: WEB_DIR, configFile: join(WEB_DIR, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
};

/**
 * The built web app's directory, built at most once per state of its sources: the first
 * caller takes an atomic mkdir lock and builds into a private directory that is renamed into
 * place only when complete, so a directory that exists is a whole build; the others wait for
 * it. A lock left by a build that died is broken after `staleLockMs`. Callers only read it.
 */
export const builtWebApp = async (options: BuiltWebAppOptions = {}): Promise<string> => {
  const cacheRoot = options.cacheRoot ?? join(tmpdir(), 'roadwatch-web-builds');
  const staleLockMs = options.staleLockMs ?? 5 * 60_000;
  const pollMs = options.pollMs ?? 250;
  const buildInto = options.buildInto ?? viteBuildInto;
  const dir = join(cacheRoot, options.key ?? webSourcesHash());
  const lock = `${dir}.lock`;
  mkdirSync(cacheRoot, { recursive: true });
  for (;;) {
    if (existsSync(dir)) return dir;
    try {
      mkdirSync(lock);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const lockAgeMs = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (lockAgeMs > staleLockMs) rmSync(lock, { recursive: true, force: true });
      else await sleep(pollMs);
      continue;
    }
    try {
      // Another worker may have finished between our look and our lock.
      if (existsSync(dir)) return dir;
      const partial = `${dir}.building-${process.pid}`;
      rmSync(partial, { recursive: true, force: true });
      try {
        await buildInto(partial);
        renameSync(partial, dir);
      } finally {
        rmSync(partial, { recursive: true, force: true });
      }
      return dir;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
};

/** Fills in and submits the sign-in form; what to wait for after it is the test's business. */
export const signIn = async (page: Page, url: string, username: string, password: string): Promise<void> => {
  await page.goto(url);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
};

/** The uncaught errors of a page from now on, as a live list a test asserts empty at the end. */
export const pageErrorsOf = (page: Page, into: string[] = []): string[] => {
  page.on('pageerror', (error) => into.push(error.message));
  return into;
};

/** A screenshot under artifacts/ (created on first use), for people reading the CI output. */
export const screenshot = async (page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> => {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS_DIR, name.endsWith('.png') ? name : `${name}.png`), ...options });
};

export interface BrowserPlatformOptions {
  /** Names the schema, the pool's application, the logger, the metrics and the JWT secret. */
  name: string;
  topics?: readonly TopicName[];
  partitions?: number;
  poolMax?: number;
  /** Runs after the migrations and before the API starts: rows, other parts on the same bus. */
  seed?: (platform: Omit<BrowserPlatform, 'api' | 'close'>) => Promise<void>;
  /** The API's own options beyond what every browser test gives it. */
  api?: Omit<Partial<ApiOptions>, 'bus' | 'pool' | 'logger' | 'metrics' | 'staticDir' | 'port'>;
}

export interface BrowserPlatform {
  api: RunningApi;
  pool: StoragePool;
  bus: InProcessBus;
  schema: string;
  logger: Logger;
  metrics: ServiceMetrics;
  /** Stops the API and the bus and drops the schema; safe when the start failed half-way. */
  close(): Promise<void>;
}

/**
 * The real API over a fresh PostgreSQL schema and the in-process bus, serving the built app:
 * schema, migrations, topics, the test's seed, then the API on a free port.
 */
export const startApiForBrowser = async (options: BrowserPlatformOptions): Promise<BrowserPlatform> => {
  const { name } = options;
  const logger = createLogger(name, process.env['LOG_LEVEL'] ?? 'warn');
  const schema = uniqueName(name.replace(/[^a-z0-9]+/gi, '_'));
  const pool = createPool(infraEnv().databaseUrl, { schema, max: options.poolMax ?? 4, application: name });
  const bus = new InProcessBus({ defaultPartitions: options.partitions ?? 2, logger });
  const metrics = new ServiceMetrics(name, { defaultMetrics: false });
  let api: RunningApi | undefined;
  const close = async (): Promise<void> => {
    await api?.close();
    await bus.close();
    await dropStorageSchema(pool, schema).catch(() => undefined);
    await pool.end();
  };
  try {
    const staticDir = await builtWebApp();
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await migrate(pool);
    if (options.topics?.length) await bus.ensureTopics(options.topics.map((topic) => ({ topic, partitions: options.partitions ?? 2 })));
    await options.seed?.({ pool, bus, schema, logger, metrics });
    api = await startApi({
      jwtSecret: `${name}-secret-0123456789abcdef`,
      ...options.api,
      bus,
      pool,
      port: 0,
      logger,
      metrics,
      staticDir,
    });
    return { api, pool, bus, schema, logger, metrics, close };
  } catch (error) {
    await close();
    throw error;
  }
};

export interface ChainPlatformOptions {
  /** Names the topic prefix, the schema, the pool's application, the logger and the Kafka client. */
  name: string;
  /** The simulated fleet in the registry; none of it drives (the test drives its own terminal). */
  simVehicles: number;
  poolMax?: number;
}

export interface ChainPlatform {
  /** The standalone host's own composition over real Kafka (a topic prefix of its own) and a PostgreSQL schema of its own. */
  platform: RunningPlatform;
  bus: KafkaBus;
  pool: StoragePool;
  /** A simulated vehicle's JT/T 808 terminal over TCP to the platform's gateway, registered and authenticated; closed by close(). */
  connectTerminal(vehicle: { terminalPhone: string; facts: { plate: string; plateColour: number } }): Promise<TestTerminal>;
  /** Closes the terminals, the platform, the schema and the pool; safe when the start failed half-way. */
  close(): Promise<void>;
}

/**
 * The whole chain for a browser test: every topic on real Kafka under a prefix of its own, the
 * migrations in a schema of its own, and the standalone platform's services (gateway, detector,
 * archiver, API serving the shared build of the app) on free ports over them.
 */
export const startChainForBrowser = async (options: ChainPlatformOptions): Promise<ChainPlatform> => {
  const { name } = options;
  const env = infraEnv();
  const id = uniqueName(name.replace(/[^a-z0-9]+/gi, '_'));
  const dataDir = mkdtempSync(join(tmpdir(), `roadwatch-${name}-`));
  const logger = createLogger(name, process.env['LOG_LEVEL'] ?? 'warn');
  const bus = new KafkaBus({ brokers: env.kafkaBrokers.split(','), clientId: name, topicPrefix: `${id}.`, groupPrefix: `${id}.`, logger });
  const pool = createPool(env.databaseUrl, { schema: id, max: options.poolMax ?? 4, application: name });
  const terminals: TestTerminal[] = [];
  let platform: RunningPlatform | undefined;
  const close = async (): Promise<void> => {
    for (const terminal of terminals) await terminal.close();
    await platform?.close();
    await dropStorageSchema(pool, id).catch(() => undefined);
    await pool.end();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const webDist = await builtWebApp();
    await bus.ensureTopics(Object.values(TOPICS).map((topic: TopicName) => ({ topic, partitions: 2 })));
    await migrate(pool);
    platform = await startPlatform(
      loadStandaloneConfig({
        ROADWATCH_DATA_DIR: dataDir,
        ...FREE_PLATFORM_PORTS,
        WEB_DIST_DIR: webDist,
        SIM_VEHICLES: String(options.simVehicles),
        SIM_DRIVE: 'false',
      }),
      { bus, pool },
    );
  } catch (error) {
    await close();
    throw error;
  }
  const running = platform;
  return {
    platform: running,
    bus,
    pool,
    connectTerminal: async (vehicle) => {
      const terminal = await TestTerminal.connect({ host: '127.0.0.1', port: running.gateway.port, phone: vehicle.terminalPhone });
      terminals.push(terminal);
      await terminal.registerAndAuthenticate(vehicle.facts.plate, vehicle.facts.plateColour);
      return terminal;
    },
    close,
  };
};
