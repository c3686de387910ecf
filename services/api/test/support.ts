import 'reflect-metadata';
import { io, type Socket } from 'socket.io-client';
import { LIVE_NAMESPACE, type RegistryChangeV1, type AlertV1, type CaseEventV1, type OverloadViolationV1 } from '@roadwatch/contracts';
import { createLogger, ServiceMetrics } from '@roadwatch/runtime';
import { createPool, dropStorageSchema, migrate, type StoragePool } from '@roadwatch/storage';
import { anAlert, aVehicle, infraEnv, overloadViolationOf } from '@roadwatch/testing';
import type { InProcessBus } from '@roadwatch/messaging';
import { startApi, type ApiOptions, type NewUser, type RunningApi } from '../src/index';

export const env = infraEnv();
export const logger = createLogger('api-test', process.env['LOG_LEVEL'] ?? 'warn');
export const JWT_SECRET = 'test-secret-0123456789abcdef';
export const NOW = Date.now();

/**
 * Three companies in three districts: C1 广州天河 (440106), C2 深圳南山 (440305),
 * C3 南京玄武 (320102). One vehicle each.
 */
export const USERS: NewUser[] = [
  { username: 'admin', password: 'admin-pw', role: 'admin' },
  { username: 'op-gz', password: 'op-pw', role: 'operator', regionCode: '4401' },
  { username: 'c1', password: 'c1-pw', role: 'company', companyId: 'C1' },
  { username: 'c2', password: 'c2-pw', role: 'company', companyId: 'C2' },
  { username: 'enf', password: 'enf-pw', role: 'enforcement' },
];

export const VEHICLES = [
  { id: 'V1', plate: '粤A10001', company: 'C1', region: '440106', lat: 23.13, lon: 113.32 },
  { id: 'V2', plate: '粤B20002', company: 'C2', region: '440305', lat: 22.53, lon: 113.93 },
  { id: 'V3', plate: '苏A30003', company: 'C3', region: '320102', lat: 32.05, lon: 118.79 },
];

/** Storage schema (own per test file) with the registry filled. */
export async function seededPool(schema: string): Promise<StoragePool> {
  const pool = createPool(env.databaseUrl, { schema, max: 4, application: 'api-test' });
  await migrate(pool);
  for (const c of ['C1', 'C2', 'C3']) {
    const v = VEHICLES.find((x) => x.company === c)!;
    await pool.query(`INSERT INTO companies (company_id, name, region_code) VALUES ($1, $2, $3)`, [c, `公司${c}`, v.region]);
    await pool.query(`INSERT INTO vehicles (vehicle_id, plate, plate_colour, vehicle_class, company_id) VALUES ($1, $2, 2, 'heavy_truck', $3)`, [
      v.id,
      v.plate,
      c,
    ]);
  }
  return pool;
}

export async function dropSchema(pool: StoragePool, schema: string): Promise<void> {
  await dropStorageSchema(pool, schema);
  await pool.end();
}

export const alert = (alertId: string, vehicleId: string, startedAtMs: number): AlertV1 => {
  const v = VEHICLES.find((x) => x.id === vehicleId);
  return anAlert({
    alertId,
    vehicleId,
    plate: undefined,
    companyId: v?.company,
    startedAtMs,
    summary: `${vehicleId} 超速`,
    latitudeDeg: v?.lat,
    longitudeDeg: v?.lon,
  });
};

export async function insertAlert(pool: StoragePool, a: AlertV1): Promise<void> {
  await pool.query(
    `INSERT INTO alerts (alert_id, started_at, revision, vehicle_id, company_id, rule, level, severity, raised_at, summary, latitude_deg, longitude_deg, details, summary_en)
     VALUES ($1, to_timestamp($2 / 1000.0), 0, $3, $4, $5, $6, $7, to_timestamp($8 / 1000.0), $9, $10, $11, $12, $13)`,
    [
      a.alertId,
      a.startedAtMs,
      a.vehicleId,
      a.companyId ?? null,
      a.rule,
      a.level,
      a.severity,
      a.raisedAtMs,
      a.summary,
      a.latitudeDeg ?? null,
      a.longitudeDeg ?? null,
      JSON.stringify(a.details ?? {}),
      a.summaryEn ?? null,
    ],
  );
}

export async function login(url: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`login ${username}: ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies are asserted field by field
export type JsonResponse = { status: number; body: any };

/** One request, its JSON answer (null when none), and its status. */
export async function send(url: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, token?: string): Promise<JsonResponse> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

export const get = (url: string, path: string, token?: string): Promise<JsonResponse> => send(url, 'GET', path, undefined, token);
export const post = (url: string, path: string, body: unknown, token?: string): Promise<JsonResponse> => send(url, 'POST', path, body, token);

/** The fields a 400 names, sorted. */
export const fieldsOf = (body: { issues?: Array<{ field: string }> }): string[] => (body.issues ?? []).map((i) => i.field).sort();

export interface TestApi {
  api: RunningApi;
  /** A signed-in token for each of USERS, by username. */
  tokens: Record<string, string>;
  close(): Promise<void>;
}

/**
 * One API instance on the in-process bus and the test file's schema, with USERS seeded and
 * signed in; `close` stops it and drops the schema.
 */
export async function startTestApi(bus: InProcessBus, pool: StoragePool, schema: string, options: Partial<ApiOptions> = {}): Promise<TestApi> {
  const api = await startApi({
    bus,
    pool,
    jwtSecret: JWT_SECRET,
    port: 0,
    logger,
    metrics: new ServiceMetrics(`api-test-${schema}`, { defaultMetrics: false }),
    seedUsers: USERS,
    ...options,
  });
  const tokens: Record<string, string> = {};
  for (const u of USERS) tokens[u.username] = await login(api.url, u.username, u.password);
  return {
    api,
    tokens,
    close: async () => {
      await api.close();
      await bus.close();
      await dropSchema(pool, schema);
    },
  };
}

export async function connectLive(url: string, token: string): Promise<Socket> {
  const socket = io(`${url}${LIVE_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/**
 * An overload violation of a registered heavy truck weighed at `stationId`: 6 axles, 60,000 kg
 * on a class-5 scale, confirmed 57,000 kg, excess 8,000 kg → ¥4,000 proposed (RULES.md §8).
 * Its measurement id is `<stationId>/<vehicleId>`.
 */
export const violationOf = (
  vehicleId: string,
  plate: string,
  companyId: string,
  measuredAtMs: number,
  stationId = 'ST1',
  plateColour = 2,
): OverloadViolationV1 =>
  overloadViolationOf({
    stationId,
    recordId: vehicleId,
    plate,
    measuredAtMs,
    grossKg: 60_000,
    vehicle: aVehicle({ vehicleId, plate, plateColour, companyId, regionCode: undefined }),
    decidedAtMs: measuredAtMs,
    measurement: { plateColour, direction: 'N', speedKmh: 30, receivedAtMs: measuredAtMs },
  });

/** The events services/cases would record on opening the case (the API reads what storage holds). */
export const openingEvents = (v: OverloadViolationV1, atMs: number): CaseEventV1[] => {
  const caseId = `case:${v.violationId}`;
  const e = (type: CaseEventV1['type'], details: Record<string, unknown>, party?: CaseEventV1['party']): CaseEventV1 => ({
    v: 1,
    eventId: `${caseId}/${type}${party ? `/${party}` : ''}`,
    caseId,
    type,
    violationId: v.violationId,
    ...(party ? { party } : {}),
    occurredAtMs: atMs,
    details,
  });
  return [
    e('opened', { flaggedForReview: false, reviewRecommendations: [], blacklistCandidates: [] }),
    e('party_named', { identified: false, name: 'unidentified — to be established by the officer' }, 'driver'),
    e('party_named', { identified: true, partyRef: v.vehicleId, name: `owner of ${v.measurement.plate}` }, 'vehicle_owner'),
    e('party_named', { identified: true, partyRef: v.companyId, name: `公司${v.companyId}` }, 'transport_company'),
    e('party_named', { identified: false, name: 'unidentified — to be established by the officer' }, 'source_unit'),
    e(
      'penalty_proposed',
      {
        fineYuan: 4_000,
        minYuan: 4_000,
        maxYuan: 4_000,
        warning: false,
        measures: [],
        consequence: null,
        basis: '超限8000 kg，罚款 8 × 1000 kg（不足1000 kg按1000 kg计）× ¥500（超限规定 第43条；公路安全保护条例 第64条）；同一案件合并计算，以¥30000为限',
        basisEn: 'excess 8000 kg → 8 started × 1000 kg × ¥500 (超限规定 第43条; 公路安全保护条例 第64条); one case summed, capped at ¥30000',
      },
      'vehicle_owner',
    ),
    e('penalty_proposed', { points: 3, minYuan: 500, maxYuan: 2_000, warning: false, measures: [], consequence: null, basis: '道交法 第92条' }, 'driver'),
    e('penalty_proposed', { minYuan: 0, maxYuan: 0, warning: false, measures: ['抄告'], consequence: null, basis: '抄告' }, 'transport_company'),
    e(
      'penalty_proposed',
      {
        minYuan: 0,
        maxYuan: 30_000,
        warning: false,
        measures: [],
        conduct: 'to_be_established',
        basis: '第68条; or 第71条',
        ranges: [
          { conduct: 'directed_or_forced', minYuan: 0, maxYuan: 30_000, basis: '第68条' },
          { conduct: 'let_overloaded_leave', minYuan: 10_000, maxYuan: 30_000, basis: '第71条' },
        ],
      },
      'source_unit',
    ),
  ];
};

/** The `registry.changes` events the registry writes put in the outbox, oldest first (committed with the write). */
export async function registryChanges(pool: StoragePool): Promise<RegistryChangeV1[]> {
  const { rows } = await pool.query<{ payload: RegistryChangeV1 }>(`SELECT payload FROM outbox WHERE topic = 'registry.changes' ORDER BY id`);
  return rows.map((row) => row.payload);
}

/** A live-feed handshake's outcome for a client (a browser on `origin` when given): 'connected', the connect_error message, or 'no answer' after 10 s. */
export const handshake = (url: string, token: string, origin?: string): Promise<string> =>
  new Promise((resolve) => {
    const socket = io(`${url}${LIVE_NAMESPACE}`, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
      ...(origin ? { extraHeaders: { origin } } : {}),
    });
    const done = (outcome: string): void => {
      clearTimeout(timer);
      socket.disconnect();
      resolve(outcome);
    };
    const timer = setTimeout(() => done('no answer'), 10_000);
    socket.once('connect', () => done('connected'));
    socket.once('connect_error', (error: Error) => done(error.message));
  });
