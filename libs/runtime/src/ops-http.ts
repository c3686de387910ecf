import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServiceMetrics } from './metrics';

export interface ReadinessCheck {
  name: string;
  /** Resolves true when the dependency is usable right now. */
  check: () => Promise<boolean> | boolean;
}

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * `/health` (process alive), `/ready` (every dependency answers) and `/metrics`
 * (Prometheus) on their own port, so probes keep answering when the service's main
 * port is saturated — and so a pure TCP service such as the JT/T 808 gateway needs no
 * HTTP framework to be observable.
 */
export const startOpsServer = async (options: {
  port: number;
  host?: string;
  metrics: ServiceMetrics;
  readiness: readonly ReadinessCheck[];
}): Promise<OpsServer> => {
  const respond = (res: ServerResponse, status: number, contentType: string, body: string): void => {
    res.writeHead(status, { 'content-type': contentType }).end(body);
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health') return respond(res, 200, 'application/json', JSON.stringify({ status: 'ok' }));
    if (path === '/ready') {
      const results = await Promise.all(
        options.readiness.map(async ({ name, check }) => {
          try {
            return [name, await check()] as const;
          } catch {
            return [name, false] as const;
          }
        }),
      );
      const ready = results.every(([, ok]) => ok);
      return respond(res, ready ? 200 : 503, 'application/json', JSON.stringify({ ready, checks: Object.fromEntries(results) }));
    }
    if (path === '/metrics') {
      const { contentType, body } = await options.metrics.render();
      return respond(res, 200, contentType, body);
    }
    respond(res, 404, 'application/json', JSON.stringify({ error: 'not found' }));
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => respond(res, 500, 'application/json', JSON.stringify({ error: String(error) })));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};
