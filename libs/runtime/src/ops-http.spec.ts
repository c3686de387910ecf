import { afterEach, describe, expect, it } from 'vitest';
import { ServiceMetrics } from './metrics';
import { startOpsServer, type OpsServer } from './ops-http';

describe('ops HTTP server', () => {
  let server: OpsServer | undefined;
  afterEach(async () => server?.close());

  it('serves health, readiness by dependency and Prometheus metrics', async () => {
    const metrics = new ServiceMetrics('test', { defaultMetrics: false });
    metrics.counter('frames_total', 'frames').inc(3);
    let kafkaUp = false;
    server = await startOpsServer({ port: 0, metrics, readiness: [{ name: 'kafka', check: () => kafkaUp }] });
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const notReady = await fetch(`${base}/ready`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ ready: false, checks: { kafka: false } });
    kafkaUp = true;
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    const body = await (await fetch(`${base}/metrics`)).text();
    expect(body).toContain('roadwatch_frames_total{service="test"} 3');
  });
});
