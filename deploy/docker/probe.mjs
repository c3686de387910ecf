// Exec probe of a service's ops server: `node /app/deploy/docker/probe.mjs <port> <path>`
// exits 0 when http://127.0.0.1:<port><path> answers 2xx within 2 s.
// Needed because startOpsServer (libs/runtime/src/ops-http.ts) binds 127.0.0.1 unless the
// service passes a host, and only gateway-jt808 has OPS_HOST: from outside the container
// (kubelet httpGet, compose's network) the other ops servers cannot be reached.
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
