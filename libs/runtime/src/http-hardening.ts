import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

/**
 * What every HTTP service of the platform answers with (issue: HTTP hygiene), in one place for
 * the API and ingest-wim: helmet's security headers with a Content-Security-Policy the map can
 * live with, no `X-Powered-By`, `Cache-Control: no-store` unless a static file sets its own, and
 * CORS only for the configured origins (none by default: the web app is served on the API's own
 * origin).
 */
export interface HttpHardeningOptions {
  /** Origins (`https://map.example.gov.cn`) allowed to call cross-origin; empty = same origin only. */
  allowedOrigins: readonly string[];
}

/** What a controller sets on a response besides its body (`@Res({ passthrough: true })`), e.g. Retry-After. */
export interface ResponseHeaders {
  setHeader(name: string, value: string): unknown;
}

type Next = (error?: unknown) => void;
type Middleware = (req: IncomingMessage, res: ServerResponse, next: Next) => void;

/** The parts of an Express app (NestExpressApplication.getHttpAdapter().getInstance()) this needs. */
export interface ExpressLike {
  disable(setting: string): unknown;
  set(setting: string, value: unknown): unknown;
  use(middleware: Middleware): unknown;
}

/**
 * The map (maplibre-gl) draws basemap tiles and glyphs from HTTPS hosts chosen at build time
 * (天地图, an XYZ or style URL), runs its workers from blob: URLs and sets inline styles on its
 * markers; everything else comes from the API's own origin.
 */
const contentSecurityPolicy = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    workerSrc: ["'self'", 'blob:'],
    childSrc: ["'self'", 'blob:'],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:', 'https:'],
    fontSrc: ["'self'", 'data:', 'https:'],
    connectSrc: ["'self'", 'https:'],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
};

export const parseAllowedOrigins = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter((origin) => origin.length > 0);

/** True when a browser's `Origin` may talk to this server: no Origin (not a browser), the server's own host, or a configured one. */
export const isOriginAllowed = (origin: string | undefined, host: string | undefined, allowedOrigins: readonly string[]): boolean => {
  if (origin === undefined) return true;
  if (allowedOrigins.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
};

/**
 * `trustProxyHops`: how many reverse proxies (ingress, load balancer) stand in front; their
 * X-Forwarded-For then gives the client address (per-address sign-in limits). 0: the socket's
 * peer is the client — behind a proxy every client would share the proxy's address.
 */
export const hardenHttp = (app: ExpressLike, trustProxyHops = 0): void => {
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxyHops);
  const headers = helmet({
    contentSecurityPolicy,
    referrerPolicy: { policy: 'no-referrer' },
    // The map loads tiles cross-origin without CORP headers on the tile servers' side.
    crossOriginEmbedderPolicy: false,
    crossOriginResourcePolicy: { policy: 'same-origin' },
  }) as unknown as Middleware;
  app.use((req, res, next) => {
    // Answers carry scoped data: no shared or browser cache may keep them. express.static
    // replaces this with its own Cache-Control for the web app's files.
    res.setHeader('Cache-Control', 'no-store');
    headers(req, res, next);
  });
};

/** Nest's `enableCors` options: the configured origins, or none. */
export const corsOptionsFor = (allowedOrigins: readonly string[]): { origin: string[] | false; credentials: false } => ({
  origin: allowedOrigins.length > 0 ? [...allowedOrigins] : false,
  credentials: false,
});
