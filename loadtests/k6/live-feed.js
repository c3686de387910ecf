/**
 * The live map feed: socket.io `/live` over WebSocket, as the map speaks it.
 *
 *   loadtests/k6/.bin/k6 run -e BASE_URL=http://127.0.0.1:8080 loadtests/k6/live-feed.js
 *   (or loadtests/k6/run.sh, which starts the platform and a moving simulated fleet first)
 *
 * CLIENTS map clients connect over `DURATION`'s first seconds and each stays HOLD seconds:
 * half are operators (region 11) watching the whole Beijing area, a quarter operators
 * watching one district, a quarter the company user watching its own fleet. Each opens the
 * engine.io WebSocket, connects the `/live` namespace with its token, subscribes, and counts
 * the `positions` batches it receives (the snapshot sent on subscribe apart from the ticks).
 *
 * Receipt is measured, not assumed: `live_position_age_ms` is the time from a report's device
 * time (the simulated terminal's clock, on this machine) to its arrival at the client — JT/T
 * 808 times are whole seconds, and a position waits for the next 1 s tick, so ~1–2 s is the
 * floor; `live_clients_fed` is the share of clients that got tick batches with no gap longer
 * than a report interval plus `GAP_SLACK_MS`.
 */
import http from 'k6/http';
import { check, fail } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';
import { setTimeout } from 'k6/timers';
import { WebSocket } from 'k6/websockets';
import { ROUTES } from './lib/routes.ts';
import { createSocketIoClient, socketIoUrl } from './lib/socketio.ts';

const BASE_URL = (__ENV.BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const CLIENTS = Number(__ENV.CLIENTS || 40);
const HOLD_S = Number(__ENV.HOLD || 30);
/** How often each simulated vehicle reports (run.sh sets the fleet to this). */
const REPORT_INTERVAL_MS = Number(__ENV.REPORT_INTERVAL_MS || 1000);
const GAP_SLACK_MS = Number(__ENV.GAP_SLACK_MS || 2000);
const LIVE_NAMESPACE = '/live';
const AGE_SAMPLES_PER_BATCH = 20;

/** The simulated corridors (libs/simulator SIMULATED_ROUTES) all lie in this box around Beijing. */
const BEIJING = { west: 115.8, south: 39.4, east: 117.1, north: 40.4 };
/** 丰台/房山: part of G4 and G107. */
const DISTRICT = { west: 116.0, south: 39.55, east: 116.3, north: 39.85 };

const OPERATOR = { username: __ENV.OPERATOR_USER || 'operator', password: __ENV.OPERATOR_PASSWORD || 'operator' };
const COMPANY = { username: __ENV.COMPANY_USER || 'company1', password: __ENV.COMPANY_PASSWORD || 'company1', companyId: __ENV.COMPANY_ID || 'company-1' };

const connected = new Rate('live_connected');
const subscribed = new Rate('live_subscribed');
const fed = new Rate('live_clients_fed');
const connectMs = new Trend('live_connect_ms', true);
const ageMs = new Trend('live_position_age_ms', true);
const gapMs = new Trend('live_batch_gap_ms', true);
const positionsReceived = new Counter('live_positions');
const snapshotPositions = new Counter('live_snapshot_positions');
const batchesReceived = new Counter('live_batches');

export const options = {
  scenarios: {
    map_clients: {
      executor: 'per-vu-iterations',
      vus: CLIENTS,
      iterations: 1,
      maxDuration: `${HOLD_S + 60}s`,
    },
  },
  thresholds: {
    live_connected: ['rate>0.99'],
    live_subscribed: ['rate>0.99'],
    live_clients_fed: ['rate>0.99'],
    live_positions: ['count>0'],
    live_connect_ms: ['p(95)<1000'],
    live_position_age_ms: ['p(95)<3000', 'p(99)<5000'],
    // Scope and viewport checks on every batch.
    checks: ['rate>0.99'],
  },
  summaryTrendStats: ['avg', 'p(50)', 'p(95)', 'p(99)', 'max', 'count'],
};

function signIn(user) {
  const res = http.post(`${BASE_URL}${ROUTES.signIn.path}`, JSON.stringify({ username: user.username, password: user.password }), {
    headers: { 'Content-Type': 'application/json' },
    tags: { name: 'setup' },
  });
  if (res.status !== 200) fail(`setup: ${user.username} could not sign in at ${BASE_URL} (${res.status})`);
  return res.json('token');
}

export function setup() {
  return { operatorToken: signIn(OPERATOR), companyToken: signIn(COMPANY) };
}

const inBox = (box, p) => p.longitudeDeg >= box.west && p.longitudeDeg <= box.east && p.latitudeDeg >= box.south && p.latitudeDeg <= box.north;

/** What client number `vu` watches, and which positions it may legitimately receive. */
function profileOf(vu, data) {
  const slot = vu % 4;
  if (slot === 0)
    return { kind: 'company', token: data.companyToken, subscribe: { companyId: COMPANY.companyId }, allowed: (p) => p.companyId === COMPANY.companyId };
  if (slot === 1) return { kind: 'district', token: data.operatorToken, subscribe: { viewport: DISTRICT }, allowed: (p) => inBox(DISTRICT, p) };
  return { kind: 'beijing', token: data.operatorToken, subscribe: { viewport: BEIJING }, allowed: (p) => inBox(BEIJING, p) };
}

export default function (data) {
  const profile = profileOf(__VU, data);
  const tags = { profile: profile.kind };
  const openedAtMs = Date.now();
  let subscribedAtMs;
  let lastBatchMs;
  let largestGapMs = 0;
  let tickBatches = 0;
  let wasConnected = false;
  let subscribeAnswered = false;
  let refused = false;

  const ws = new WebSocket(socketIoUrl(BASE_URL));
  const client = createSocketIoClient({
    send: (text) => ws.send(text),
    nsp: LIVE_NAMESPACE,
    auth: { token: profile.token },
    onConnect: () => {
      wasConnected = true;
      connected.add(true, tags);
      connectMs.add(Date.now() - openedAtMs, tags);
      client.emit('subscribe', [profile.subscribe], ([answer]) => {
        subscribeAnswered = true;
        const ok = answer !== undefined && answer.ok === true;
        subscribed.add(ok, tags);
        if (!ok) {
          console.error(`subscribe refused: ${JSON.stringify(answer)}`);
          ws.close();
          return;
        }
        subscribedAtMs = Date.now();
        lastBatchMs = subscribedAtMs;
      });
    },
    onConnectError: (error) => {
      refused = true;
      connected.add(false, tags);
      console.error(`/live refused the connection: ${JSON.stringify(error)}`);
      ws.close();
    },
    onEvent: (event, [payload]) => {
      if (event !== 'positions') return;
      const receivedAtMs = Date.now();
      const positions = payload.positions;
      check(positions, { 'live positions within the subscription': (list) => list.every(profile.allowed) }, tags);
      // The snapshot of last known positions goes out before the subscribe ack.
      if (subscribedAtMs === undefined) {
        snapshotPositions.add(positions.length, tags);
        return;
      }
      tickBatches += 1;
      batchesReceived.add(1, tags);
      positionsReceived.add(positions.length, tags);
      largestGapMs = Math.max(largestGapMs, receivedAtMs - lastBatchMs);
      gapMs.add(receivedAtMs - lastBatchMs, tags);
      lastBatchMs = receivedAtMs;
      // A sample of each batch (every position of a small one): one Trend sample per position
      // of a whole-map batch would cost k6 more CPU than the server spends sending it.
      const step = Math.max(1, Math.floor(positions.length / AGE_SAMPLES_PER_BATCH));
      for (let i = 0; i < positions.length; i += step) ageMs.add(receivedAtMs - positions[i].deviceTimeMs, tags);
    },
  });

  ws.onmessage = (event) => {
    try {
      client.receive(event.data);
    } catch (error) {
      check(null, { 'live frame understood': () => false }, tags);
      console.error(String(error));
    }
  };
  ws.onerror = (event) => console.error(`websocket error: ${event.error}`);
  ws.onclose = () => {
    // A client that never got connected, subscribed or fed counts against each threshold.
    if (!wasConnected && !refused) connected.add(false, tags);
    else if (!subscribeAnswered) subscribed.add(false, tags);
    if (subscribedAtMs === undefined) {
      fed.add(false, tags);
      return;
    }
    // The silence after the last batch counts too.
    largestGapMs = Math.max(largestGapMs, Date.now() - lastBatchMs);
    fed.add(tickBatches > 0 && largestGapMs <= REPORT_INTERVAL_MS + GAP_SLACK_MS, tags);
  };
  setTimeout(() => ws.close(), HOLD_S * 1000);
}
