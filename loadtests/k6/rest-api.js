/**
 * The REST API under the load of monitoring-centre operators and transport-company users.
 *
 *   loadtests/k6/.bin/k6 run -e BASE_URL=http://127.0.0.1:8080 loadtests/k6/rest-api.js
 *   (or loadtests/k6/run.sh, which starts the platform first)
 *
 * Scenarios (open model: requests arrive at a fixed rate whether or not the API keeps up, so a
 * slow API shows as latency and dropped iterations rather than as a politely slower client):
 * - `sign_in`: users signing in (scrypt, one derivation at a time by design: a few per second);
 * - `operator`: 监控中心 operator (region 11) paging the vehicle list, playing back a vehicle's
 *   last hour, searching alerts, reading the company report, in a fixed mix;
 * - `company`: a transport company's user doing the same within its own fleet; every answer
 *   is also checked to hold only its own company's vehicles (scope, not just status).
 * Every request is tagged `name` so each endpoint has its own latency threshold.
 */
import http from 'k6/http';
import { check, fail } from 'k6';
import { ROUTES, pathOf } from './lib/routes.ts';

const BASE_URL = (__ENV.BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const DURATION = __ENV.DURATION || '30s';
/** Page views per second per browsing scenario. */
const RATE = Number(__ENV.RATE || 10);
const SIGN_IN_RATE = Number(__ENV.SIGN_IN_RATE || 2);

const OPERATOR = { username: __ENV.OPERATOR_USER || 'operator', password: __ENV.OPERATOR_PASSWORD || 'operator' };
const COMPANY = { username: __ENV.COMPANY_USER || 'company1', password: __ENV.COMPANY_PASSWORD || 'company1', companyId: __ENV.COMPANY_ID || 'company-1' };
const SIGN_IN_USERS = [OPERATOR, COMPANY, { username: 'enforcement', password: 'enforcement' }, { username: 'admin', password: 'admin' }];

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const browsing = (exec) => ({
  executor: 'constant-arrival-rate',
  rate: RATE,
  timeUnit: '1s',
  duration: DURATION,
  preAllocatedVUs: 10,
  maxVUs: 50,
  exec,
});

export const options = {
  scenarios: {
    sign_in: {
      executor: 'constant-arrival-rate',
      rate: SIGN_IN_RATE,
      timeUnit: '1s',
      duration: DURATION,
      preAllocatedVUs: 4,
      maxVUs: 20,
      exec: 'signInScenario',
    },
    operator: browsing('operatorScenario'),
    company: browsing('companyScenario'),
  },
  thresholds: {
    // Any non-2xx answer (a 401, 429, 503 or 500) fails the run.
    http_req_failed: ['rate<0.01'],
    // Status, body shape and scope checks.
    checks: ['rate>0.99'],
    'http_req_duration{name:sign-in}': ['p(95)<1000', 'p(99)<2000'],
    'http_req_duration{name:vehicles}': ['p(95)<300', 'p(99)<1000'],
    'http_req_duration{name:track}': ['p(95)<500', 'p(99)<1000'],
    'http_req_duration{name:alerts}': ['p(95)<300', 'p(99)<1000'],
    'http_req_duration{name:company-report}': ['p(95)<1500', 'p(99)<3000'],
    // The open model dropped no page view for want of VUs (the API kept up).
    dropped_iterations: ['count<1'],
  },
  summaryTrendStats: ['avg', 'p(50)', 'p(95)', 'p(99)', 'max', 'count'],
};

const json = { 'Content-Type': 'application/json' };

function signIn(user, name = 'sign-in') {
  const res = http.post(`${BASE_URL}${ROUTES.signIn.path}`, JSON.stringify({ username: user.username, password: user.password }), {
    headers: json,
    tags: { name },
  });
  const ok = check(res, {
    'sign-in 200': (r) => r.status === 200,
    'sign-in gives a token': (r) => r.status === 200 && typeof r.json('token') === 'string',
    'sign-in needs no password change': (r) => r.status === 200 && r.json('user.mustChangePassword') === false,
  });
  return ok ? res.json('token') : undefined;
}

function get(token, route, params, query, name) {
  return http.get(`${BASE_URL}${pathOf(route, params, query)}`, { headers: { Authorization: `Bearer ${token}` }, tags: { name } });
}

const pick = (list) => list[Math.floor(Math.random() * list.length)];

/** Signs in the browsing users once and picks vehicles with a position to play back. */
export function setup() {
  const session = (user) => {
    const token = signIn(user, 'setup');
    if (!token) fail(`setup: ${user.username} could not sign in at ${BASE_URL}`);
    const res = get(token, ROUTES.vehicles, {}, { limit: 1000 }, 'setup');
    const vehicleIds =
      res.status === 200
        ? res
            .json('items')
            .filter((v) => v.latest !== null)
            .map((v) => v.vehicleId)
        : [];
    if (vehicleIds.length === 0) fail(`setup: ${user.username} sees no vehicle with a position yet (is the fleet reporting?)`);
    return { token, vehicleIds };
  };
  return { operator: session(OPERATOR), company: session(COMPANY) };
}

export function signInScenario() {
  signIn(pick(SIGN_IN_USERS));
}

/** One page view: the list most often, then playback and alert search, the report now and then. */
function pageView(session, ownCompanyId) {
  const nowMs = Date.now();
  const roll = Math.random();
  const inScope = (items) => ownCompanyId === undefined || items.every((item) => item.companyId === ownCompanyId);
  if (roll < 0.4) {
    const res = get(session.token, ROUTES.vehicles, {}, { limit: 100, offset: Math.random() < 0.5 ? 0 : 100 }, 'vehicles');
    check(res, {
      'vehicles 200': (r) => r.status === 200,
      'vehicles in scope': (r) => r.status === 200 && Array.isArray(r.json('items')) && inScope(r.json('items')),
    });
  } else if (roll < 0.65) {
    const vehicleId = pick(session.vehicleIds);
    const res = get(session.token, ROUTES.track, { vehicleId }, { fromMs: nowMs - HOUR_MS, toMs: nowMs, maxPoints: 500 }, 'track');
    check(res, {
      'track 200': (r) => r.status === 200,
      'track of the vehicle asked for': (r) => r.status === 200 && r.json('vehicleId') === vehicleId && Array.isArray(r.json('points')),
    });
  } else if (roll < 0.9) {
    const filters = Math.random() < 0.5 ? { rule: 'speeding,fatigue_continuous,overload' } : { acknowledged: 'false' };
    const res = get(session.token, ROUTES.alerts, {}, { fromMs: nowMs - DAY_MS, toMs: nowMs, limit: 50, ...filters }, 'alerts');
    check(res, {
      'alerts 200': (r) => r.status === 200,
      'alerts in scope': (r) => r.status === 200 && Array.isArray(r.json('items')) && inScope(r.json('items')),
    });
  } else {
    const res = get(session.token, ROUTES.companyReport, {}, { fromMs: nowMs - 7 * DAY_MS, toMs: nowMs }, 'company-report');
    check(res, {
      'company report 200': (r) => r.status === 200,
      'company report rows in scope': (r) => r.status === 200 && Array.isArray(r.json('rows')) && inScope(r.json('rows')),
    });
  }
}

export function operatorScenario(data) {
  pageView(data.operator, undefined);
}

export function companyScenario(data) {
  pageView(data.company, COMPANY.companyId);
}
