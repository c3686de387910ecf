// Health check of a service's ops server from inside its container (compose's healthchecks;
// the slim image has no curl): `node /app/deploy/docker/probe.mjs <port> <path>` exits 0
// when http://127.0.0.1:<port><path> answers 2xx within 2 s.
const [port, path] = process.argv.slice(2);
if (!/^\d+$/.test(port ?? '') || !path?.startsWith('/')) {
  console.error('usage: probe.mjs <port> </health|/ready|/metrics>');
  process.exit(2);
}
try {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2_000) });
  process.exit(res.ok ? 0 : 1);
} catch {
  process.exit(1);
}
