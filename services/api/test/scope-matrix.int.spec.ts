import 'reflect-metadata';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import type { Socket } from 'socket.io-client';
import { LIVE_EVENTS, TOPICS, type AlertItem, type AlertV1, type LiveSubscribeAck, type PositionsBatch } from '@roadwatch/contracts';
import { chinaDateOf, DAY_MS } from '@roadwatch/domain';
import { chinaMonthOf, monthPeriod, previousMonth } from '@roadwatch/rules';
import { InProcessBus } from '@roadwatch/messaging';
import { ServiceMetrics } from '@roadwatch/runtime';
import {
  CaseRepository,
  createPool,
  HandlingRepository,
  inTransaction,
  migrate,
  OverloadViolationRepository,
  TargetingRepository,
  WimRepository,
  type StoragePool,
} from '@roadwatch/storage';
import { aPosition, uniqueName } from '@roadwatch/testing';
import { startApi, type NewUser, type RunningApi } from '../src/index';
import { API_CONTROLLERS } from '../src/http/app.module';
import { connectLive, dropSchema, env, insertAlert, JWT_SECRET, login, logger, NOW, openingEvents, send, violationOf } from './support';

/**
 * The whole role × endpoint matrix over real HTTP, socket.io and PostgreSQL, with users whose
 * claims differ from the demo users': operators of region 13 (Hebei) and of 4401 (Guangzhou),
 * enforcement of 44 (Guangdong), the users of two companies, and an admin. The data spans
 * regions and companies, with vehicles whose own region differs from their company's.
 *
 * The expectations are declared below (FACTS: whose each row is; VISIBLE: which rows each role
 * sees, per resource); the cells are generated from them, every cell is run, and the test fails
 * naming each cell that differs. Every route the controllers serve needs a row (ROUTES), so a
 * new route cannot skip the matrix.
 */

type Role = 'admin' | 'op13' | 'op4401' | 'enf44' | 'ca' | 'cb';
const ROLES: Role[] = ['admin', 'op13', 'op4401', 'enf44', 'ca', 'cb'];

const USERS: Record<Role, NewUser> = {
  admin: { username: 'm-admin', password: 'm-admin-pw', role: 'admin' },
  op13: { username: 'm-op13', password: 'm-op13-pw', role: 'operator', regionCode: '13' },
  op4401: { username: 'm-op4401', password: 'm-op4401-pw', role: 'operator', regionCode: '4401' },
  enf44: { username: 'm-enf44', password: 'm-enf44-pw', role: 'enforcement', regionCode: '44' },
  ca: { username: 'm-ca', password: 'm-ca-pw', role: 'company', companyId: 'CA' },
  cb: { username: 'm-cb', password: 'm-cb-pw', role: 'company', companyId: 'CB' },
};

// ─── the data: whose each row is ───

/**
 * CA is a Hebei company with a coach registered in Guangzhou; CB a Guangzhou company with a bus
 * registered in Hebei; CD a company the registry gives no region, nor its truck.
 */
const COMPANIES: Record<string, string | null> = { CA: '130102', CB: '440106', CC: '440305', CD: null };
/** The roster's drivers: one per company (issue #15). */
const ROSTER_DRIVERS = Object.keys(COMPANIES).map((c) => `DRV-${c}`);

const FACTS = {
  vehicles: {
    VA1: { plate: '冀A00001', colour: 1, class: 'long_distance_bus', company: 'CA', ownRegion: null, lat: 38.04, lon: 114.51 },
    VA2: { plate: '粤A00002', colour: 1, class: 'tour_coach', company: 'CA', ownRegion: '440104', lat: 23.13, lon: 113.26 },
    VB1: { plate: '粤A00003', colour: 2, class: 'heavy_truck', company: 'CB', ownRegion: null, lat: 23.12, lon: 113.32 },
    VB2: { plate: '冀B00004', colour: 1, class: 'long_distance_bus', company: 'CB', ownRegion: '130203', lat: 39.63, lon: 118.18 },
    VC1: { plate: '粤B00005', colour: 2, class: 'heavy_truck', company: 'CC', ownRegion: null, lat: 22.53, lon: 113.93 },
    VD1: { plate: '粤A00006', colour: 2, class: 'heavy_truck', company: 'CD', ownRegion: null, lat: 23.15, lon: 113.3 },
  },
  stations: { S13: '130100', S4401: '440106', S4403: '440305', S0: null },
  sourceSites: {
    SS13: { region: '130102', company: 'CA' },
    SS4401: { region: '440106', company: 'CB' },
    SS4403: { region: '440305', company: null },
    SS0: { region: null, company: 'CA' },
  },
  /** Each weighing: vehicle (or an unregistered plate) and the station; a case is opened from each registered one. */
  weighings: {
    'S13/VA1': { vehicle: 'VA1', station: 'S13' },
    'S4401/VA2': { vehicle: 'VA2', station: 'S4401' },
    'S4401/VB2': { vehicle: 'VB2', station: 'S4401' },
    'S4403/VC1': { vehicle: 'VC1', station: 'S4403' },
    'S0/VB1': { vehicle: 'VB1', station: 'S0' },
    'S13/VX': { vehicle: null, station: 'S13' },
  },
  /** Stored alerts (`AL-`) and live ones (`LA-`) of each vehicle, with the owner copy in ALERT_COPY. */
  alerts: {
    'AL-VA1': 'VA1',
    'AL-VA2': 'VA2',
    'AL-VB1': 'VB1',
    'AL-VB2': 'VB2',
    'AL-VC1': 'VC1',
    'AL-VD1': 'VD1',
    'AL-VX': 'VX',
  },
  relays: { 'R-VA1': 'VA1', 'R-VA2': 'VA2', 'R-VB2': 'VB2' },
  /** 查岗, each addressed to one company (its owner: the company, region the company's). */
  inspections: { 'I-CA': 'CA', 'I-CB': 'CB', 'I-CC': 'CC', 'I-CD': 'CD' },
} as const;
/**
 * The owner an alert carries: a stale copy for registered vehicles (the registry wins); VX is
 * unregistered (its copy counts); VD1's registry owner has a company but no region, so the
 * copy's region counts and its company does not.
 */
const STALE_COPY = { companyId: 'CC', regionCode: '440305' };
const ALERT_COPY: Record<string, { companyId: string; regionCode: string }> = {
  VX: { companyId: 'CB', regionCode: '440199' },
  VD1: { companyId: 'CB', regionCode: '440111' },
};
const alertCopyOf = (vehicleId: string) => ALERT_COPY[vehicleId] ?? STALE_COPY;

type VehicleId = keyof typeof FACTS.vehicles;
const VEHICLE_IDS = Object.keys(FACTS.vehicles) as VehicleId[];
const HANDLING_IDS = VEHICLE_IDS.map((id) => `H-${id}`);

// ─── the declared table: which rows each role sees (403: the role may not call it) ───

type Visible = Record<Role, readonly string[] | 403>;
const ALL_VEHICLES = [...VEHICLE_IDS];

const VISIBLE: Record<string, Visible> = {
  // 考核 scores as `kind:subject`: a company's row is the company's (its region the company's); a platform's row its region's, no company's.
  assessment: {
    admin: ['company:CA', 'company:CB', 'company:CC', 'company:CD', 'platform:130102', 'platform:440106'],
    op13: ['company:CA', 'platform:130102'],
    op4401: ['company:CB', 'platform:440106'],
    enf44: 403,
    ca: ['company:CA'],
    cb: ['company:CB'],
  },
  // A vehicle's region is its own, else its company's.
  vehicles: { admin: ALL_VEHICLES, op13: ['VA1', 'VB2'], op4401: ['VA2', 'VB1'], enf44: 403, ca: ['VA1', 'VA2'], cb: ['VB1', 'VB2'] },
  // The vehicle's owner from the registry, field by field, else the alert's copy: AL-VX (CB, 440199), AL-VD1 (CD, 440111).
  alerts: {
    admin: Object.keys(FACTS.alerts),
    op13: ['AL-VA1', 'AL-VB2'],
    op4401: ['AL-VA2', 'AL-VB1', 'AL-VD1', 'AL-VX'],
    enf44: 403,
    ca: ['AL-VA1', 'AL-VA2'],
    cb: ['AL-VB1', 'AL-VB2', 'AL-VX'],
  },
  // A weighing's region is its station's, else the vehicle's; companies may not read WIM.
  wim: {
    admin: Object.keys(FACTS.weighings),
    op13: ['S13/VA1', 'S13/VX'],
    op4401: ['S4401/VA2', 'S4401/VB2', 'S0/VB1'],
    enf44: ['S4401/VA2', 'S4401/VB2', 'S0/VB1', 'S4403/VC1'],
    ca: 403,
    cb: 403,
  },
  // Cases as the weighing they came from (listed by vehicle id: one case per vehicle); companies their own vehicles'.
  cases: {
    admin: ['VA1', 'VA2', 'VB1', 'VB2', 'VC1'],
    op13: ['VA1'],
    op4401: ['VA2', 'VB2', 'VB1'],
    enf44: ['VA2', 'VB2', 'VB1', 'VC1'],
    ca: ['VA1', 'VA2'],
    cb: ['VB1', 'VB2'],
  },
  // Places: their own region; a source site also its company's.
  stations: { admin: Object.keys(FACTS.stations), op13: ['S13'], op4401: ['S4401'], enf44: ['S4401', 'S4403'], ca: 403, cb: 403 },
  sourceSites: { admin: Object.keys(FACTS.sourceSites), op13: ['SS13'], op4401: ['SS4401'], enf44: ['SS4401', 'SS4403'], ca: ['SS13', 'SS0'], cb: ['SS4401'] },
  relays: { admin: ['VA1', 'VA2', 'VB2'], op13: ['VA1', 'VB2'], op4401: ['VA2'], enf44: 403, ca: ['VA1', 'VA2'], cb: ['VB2'] },
  // 查岗 by the company addressed: CD has no region, so only the admin (and CD) sees its 查岗.
  inspections: { admin: ['I-CA', 'I-CB', 'I-CC', 'I-CD'], op13: ['I-CA'], op4401: ['I-CB'], enf44: 403, ca: ['I-CA'], cb: ['I-CB'] },
  // The companies a role may send a 查岗 to: operators those of their region, companies none.
  inspectionTargets: { admin: ['CA', 'CB', 'CC', 'CD'], op13: ['CA'], op4401: ['CB'], enf44: 403, ca: 403, cb: 403 },
  // Deliveries and their attempts (alert `DA-<company>`), and a company's delivery settings (by company id): the admin all, a company its own.
  deliveries: { admin: ['DA-CA', 'DA-CB', 'DA-CC', 'DA-CD'], op13: 403, op4401: 403, enf44: 403, ca: ['DA-CA'], cb: ['DA-CB'] },
  deliveryCompanies: { admin: ['CA', 'CB', 'CC', 'CD'], op13: 403, op4401: 403, enf44: 403, ca: ['CA'], cb: ['CB'] },
  rosterShifts: {
    admin: VEHICLE_IDS.map((id) => `SH-${id}`),
    op13: 403,
    op4401: 403,
    enf44: 403,
    ca: ['SH-VA1', 'SH-VA2'],
    cb: ['SH-VB1', 'SH-VB2'],
  },
  rosterVehicles: { admin: VEHICLE_IDS, op13: 403, op4401: 403, enf44: 403, ca: ['VA1', 'VA2'], cb: ['VB1', 'VB2'] },
  // Handling items (H-<vehicle>) as addressed: the vehicle's company, its region (own, else its company's, else the alert's copy: H-VD1 440111).
  handling: {
    admin: ['H-VA1', 'H-VA2', 'H-VB1', 'H-VB2', 'H-VC1', 'H-VD1'],
    op13: ['H-VA1', 'H-VB2'],
    op4401: ['H-VA2', 'H-VB1', 'H-VD1'],
    enf44: 403,
    ca: ['H-VA1', 'H-VA2'],
    cb: ['H-VB1', 'H-VB2'],
  },
  // Company report rows as `company:vehicles counted` — the vehicles the vehicle list shows, by company.
  report: { admin: ['CA:2', 'CB:2', 'CC:1', 'CD:1'], op13: ['CA:1', 'CB:1'], op4401: ['CA:1', 'CB:1'], enf44: 403, ca: ['CA:2'], cb: ['CB:2'] },
  // Live positions: registered vehicles as `vehicles`; VX (unregistered) only to an unrestricted scope. enf44 has no live feed.
  livePositions: { admin: [...ALL_VEHICLES, 'VX'], op13: ['VA1', 'VB2'], op4401: ['VA2', 'VB1'], enf44: 403, ca: ['VA1', 'VA2'], cb: ['VB1', 'VB2'] },
  liveAlerts: {
    admin: ['LA-VA1', 'LA-VA2', 'LA-VB1', 'LA-VB2', 'LA-VC1', 'LA-VD1', 'LA-VX'],
    op13: ['LA-VA1', 'LA-VB2'],
    op4401: ['LA-VA2', 'LA-VB1', 'LA-VD1', 'LA-VX'],
    enf44: 403,
    ca: ['LA-VA1', 'LA-VA2'],
    cb: ['LA-VB1', 'LA-VB2', 'LA-VX'],
  },
};

/** 查岗: operators read and send, companies read and answer, the admin everything. */
const INSPECTION_CAPABILITIES = {
  admin: ['inspections', 'inspections.send', 'inspections.answer'],
  operator: ['inspections', 'inspections.send'],
  company: ['inspections', 'inspections.answer'],
} as const;

/** What the login response tells each role's client it may call. */
const CAPABILITIES: Record<Role, readonly string[]> = {
  admin: [
    'vehicles',
    'alerts',
    'alerts.ack',
    'tracks',
    'wim',
    'sites',
    'reports',
    'cases',
    'live',
    'registry.admin',
    'relays',
    'terminals.unregistered',
    'users.admin',
    'key_supervision',
    'key_supervision.release',
    'delivery',
    'handling',
    'handling.duty',
    'reports.notice',
    'assessment.import',
    'targeting',
    'targeting.decide',
    ...INSPECTION_CAPABILITIES.admin,
    'roster',
    'source_traces',
    'routes',
    'routes.admin',
    'permits',
    'area_bans',
    'area_bans.admin',
    'terminal_geofences',
    'terminal_geofences.send',
    'lower_platforms',
  ],
  op13: [
    'vehicles',
    'alerts',
    'alerts.ack',
    'tracks',
    'wim',
    'sites',
    'reports',
    'cases',
    'live',
    'relays',
    'terminals.unregistered',
    'handling.duty',
    'reports.notice',
    'assessment.import',
    'key_supervision',
    'key_supervision.release',
    'targeting',
    'targeting.decide',
    ...INSPECTION_CAPABILITIES.operator,
    'source_traces',
    'routes',
    'routes.admin',
    'permits',
    'area_bans',
    'area_bans.admin',
    'terminal_geofences',
    'terminal_geofences.send',
  ],
  op4401: [
    'vehicles',
    'alerts',
    'alerts.ack',
    'tracks',
    'wim',
    'sites',
    'reports',
    'cases',
    'live',
    'relays',
    'terminals.unregistered',
    'handling.duty',
    'reports.notice',
    'assessment.import',
    'key_supervision',
    'key_supervision.release',
    'targeting',
    'targeting.decide',
    ...INSPECTION_CAPABILITIES.operator,
    'source_traces',
    'routes',
    'routes.admin',
    'permits',
    'area_bans',
    'area_bans.admin',
    'terminal_geofences',
    'terminal_geofences.send',
  ],
  enf44: ['wim', 'sites', 'cases', 'targeting', 'targeting.decide', 'source_traces', 'permits', 'area_bans'],
  ca: [
    'vehicles',
    'alerts',
    'alerts.ack',
    'tracks',
    'sites',
    'reports',
    'cases',
    'live',
    'relays',
    'delivery',
    'handling',
    'key_supervision',
    ...INSPECTION_CAPABILITIES.company,
    'roster',
    'routes',
    'permits',
    'area_bans',
    'terminal_geofences',
  ],
  cb: [
    'vehicles',
    'alerts',
    'alerts.ack',
    'tracks',
    'sites',
    'reports',
    'cases',
    'live',
    'relays',
    'delivery',
    'handling',
    'key_supervision',
    ...INSPECTION_CAPABILITIES.company,
    'roster',
    'routes',
    'permits',
    'area_bans',
    'terminal_geofences',
  ],
};

const ADMIN_ONLY: Visible = { admin: [], op13: 403, op4401: 403, enf44: 403, ca: 403, cb: 403 };
const adminOnly = (ids: readonly string[]): Visible => ({ ...ADMIN_ONLY, admin: ids });

/** The visible set narrowed by a filter over the declared facts (403 stays 403). */
const narrowed = (visible: Visible, keep: (id: string) => boolean): Visible =>
  Object.fromEntries(ROLES.map((r) => [r, visible[r] === 403 ? 403 : (visible[r] as string[]).filter(keep)])) as Visible;

// ─── cells ───

type Expected = number | readonly string[];
interface Cell {
  route: string;
  label: string;
  role: Role;
  expected: Expected;
  run(ctx: Ctx): Promise<{ status: number; ids?: string[] }>;
}

interface Ctx {
  url: string;
  tokens: Record<Role, string>;
  caseOf: Record<string, string>;
  pool: StoragePool;
}

type IdsOf = (body: any) => string[]; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON bodies
const itemsBy =
  (key: string): IdsOf =>
  (body) =>
    (body?.items ?? []).map((i: Record<string, string>) => i[key]);

interface RouteRow {
  route: string;
  cells(): Cell[];
}

/** A GET list: 200 with the visible ids, or the role's status. */
const listRow = (route: string, label: string, path: string | ((ctx: Ctx) => string), visible: Visible, idsOf: IdsOf): Cell[] =>
  ROLES.map((role) => ({
    route,
    label,
    role,
    expected: visible[role] === 403 ? 403 : [...(visible[role] as string[])].sort(),
    run: async (ctx) => {
      const r = await send(ctx.url, 'GET', typeof path === 'string' ? path : path(ctx), undefined, ctx.tokens[role]);
      return r.status === 200 ? { status: 200, ids: idsOf(r.body).sort() } : { status: r.status };
    },
  }));

/**
 * One request per role and id: `inScope` when the role sees the id (or 403 when it may not
 * call the route at all), else 404 — the same answer as an id that does not exist.
 */
const byIdRow = (
  route: string,
  ids: readonly string[],
  visible: Visible,
  request: (ctx: Ctx, id: string) => { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; path: string; body?: unknown },
  inScope: (role: Role, id: string) => number,
  outOfScope: (role: Role) => number = () => 404,
  setup?: (ctx: Ctx, id: string) => Promise<void>,
): Cell[] =>
  ROLES.flatMap((role) =>
    ids.map((id) => ({
      route,
      label: id,
      role,
      expected: visible[role] === 403 ? 403 : (visible[role] as string[]).includes(id) ? inScope(role, id) : outOfScope(role),
      run: async (ctx) => {
        await setup?.(ctx, id);
        const q = request(ctx, id);
        return { status: (await send(ctx.url, q.method, q.path, q.body, ctx.tokens[role])).status };
      },
    })),
  );

const enc = encodeURIComponent;
/** The month the seeded 考核 scores stand for: the last whole local month. */
const ASSESSED_MONTH = previousMonth(chinaMonthOf(NOW));
const tonight = chinaDateOf(Date.now());
const tomorrow = chinaDateOf(Date.now() + DAY_MS);
const report = `/v1/reports/companies?fromMs=${NOW - DAY_MS}&toMs=${NOW + DAY_MS}`;
const vehicleOwnerRegion = (id: string): string | null => {
  const v = FACTS.vehicles[id as VehicleId];
  return v ? (v.ownRegion ?? COMPANIES[v.company] ?? null) : null;
};
const companyOfVehicle = (id: string): string | undefined => FACTS.vehicles[id as VehicleId]?.company;

/** Admin-only writes: every other role 403 before the body is read. */
const adminWrite = (route: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body: unknown, adminStatus: number): Cell[] =>
  ROLES.map((role) => ({
    route,
    label: path,
    role,
    expected: role === 'admin' ? adminStatus : 403,
    run: async (ctx) => ({ status: (await send(ctx.url, method, path, body, ctx.tokens[role])).status }),
  }));

/** A registry resource's admin routes, in the order a row's life runs: create, read, replace, delete. */
const adminResource = (path: string, id: string, body: Record<string, unknown>, listIds: readonly string[], idKey: string): RouteRow[] => [
  { route: `GET /v1/admin/${path}`, cells: () => listRow(`GET /v1/admin/${path}`, 'list', `/v1/admin/${path}`, adminOnly(listIds), itemsBy(idKey)) },
  { route: `POST /v1/admin/${path}`, cells: () => adminWrite(`POST /v1/admin/${path}`, 'POST', `/v1/admin/${path}`, body, 201) },
  { route: `GET /v1/admin/${path}/:id`, cells: () => adminWrite(`GET /v1/admin/${path}/:id`, 'GET', `/v1/admin/${path}/${id}`, undefined, 200) },
  { route: `PUT /v1/admin/${path}/:id`, cells: () => adminWrite(`PUT /v1/admin/${path}/:id`, 'PUT', `/v1/admin/${path}/${id}`, body, 200) },
  { route: `DELETE /v1/admin/${path}/:id`, cells: () => adminWrite(`DELETE /v1/admin/${path}/:id`, 'DELETE', `/v1/admin/${path}/${id}`, undefined, 204) },
];

// ─── the reports' charts and files ───

const reportRange = `?fromMs=${NOW - DAY_MS}&toMs=${NOW + DAY_MS}`;
const chartsPath = (extra: string): string => `/v1/reports/charts${reportRange}${extra}`;
/** The charts count vehicles, not list them: a role's visible set as its size. */
const vehicleCount = (visible: Visible): Visible =>
  Object.fromEntries(ROLES.map((r) => [r, visible[r] === 403 ? 403 : [`vehicles:${(visible[r] as string[]).length}`]])) as Visible;
const chartVehicles: IdsOf = (b) => [`vehicles:${b?.days?.[0]?.vehicles}`];

type FileIdsOf = (response: Response) => Promise<string[]>;
const csvReportIds: FileIdsOf = async (r) =>
  (await r.text())
    .replace(/^\uFEFF/, '')
    .split('\r\n')
    .slice(1)
    .filter(Boolean)
    .map((line) => line.split(','))
    .map((cells) => `${cells[0]}:${cells[2]}`);
const xlsxRows = async (r: Response, headerRow: number): Promise<unknown[][]> => {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await r.arrayBuffer());
  const ws = wb.worksheets[0]!;
  const rows: unknown[][] = [];
  for (let i = headerRow + 1; i <= ws.rowCount; i += 1) rows.push((ws.getRow(i).values as unknown[]).slice(1));
  return rows;
};
const xlsxReportIds: FileIdsOf = async (r) => (await xlsxRows(r, 1)).map((cells) => `${cells[0]}:${cells[2]}`);
/** The 通报's first sheet: the company id column under its header (row 7). */
const noticeIds: FileIdsOf = async (r) => (await xlsxRows(r, 7)).map((cells) => String(cells[2]));
/**
 * The 通报's month: one of its own, over a year before the 考核 rows seeded for ASSESSED_MONTH, so
 * neither the 考核 list's default window (the last 12 months) nor its ranking (the latest month) sees it.
 */
const NOTICE_MONTH = chinaMonthOf(monthPeriod(ASSESSED_MONTH).startMs - 400 * DAY_MS);
/** That month's scores of CA (Hebei) and CB (Guangzhou); the 通报 lists each to its region's operators. */
const NOTICE_VISIBLE: Visible = { admin: ['CA', 'CB'], op13: ['CA'], op4401: ['CB'], enf44: 403, ca: 403, cb: 403 };
const seedNoticeScores = async (pool: StoragePool): Promise<void> => {
  const period = monthPeriod(NOTICE_MONTH);
  for (const id of ['CA', 'CB'])
    await pool.query(
      `INSERT INTO assessment_scores (subject_kind, subject_id, period_kind, period_start, period_end, assessed, total_score)
       VALUES ('company', $1, 'month', to_timestamp($2 / 1000.0), to_timestamp($3 / 1000.0), true, 90) ON CONFLICT DO NOTHING`,
      [id, period.startMs, period.endMs],
    );
};

/** A file download: 200 with the ids read from the file, or the role's status. */
const fileRow = (route: string, query: string, visible: Visible, idsOf: FileIdsOf, setup?: (pool: StoragePool) => Promise<void>): Cell[] =>
  ROLES.map((role) => ({
    route,
    label: query,
    role,
    expected: visible[role] === 403 ? 403 : [...(visible[role] as string[])].sort(),
    run: async (ctx) => {
      await setup?.(ctx.pool);
      const r = await fetch(`${ctx.url}${route.replace(/^GET /, '')}${query}`, { headers: { authorization: `Bearer ${ctx.tokens[role]}` } });
      return r.status === 200 ? { status: 200, ids: (await idsOf(r)).sort() } : { status: r.status };
    },
  }));
/** 重点监管 entries `KS-<vehicle>`, each owned as its vehicle now (the entry's own copy of the owner left empty). */
const KS = (id: string): string => `KS-${id}`;
const ksVisible = (visible: Visible): Visible =>
  Object.fromEntries(ROLES.map((r) => [r, visible[r] === 403 ? 403 : (visible[r] as string[]).map(KS)])) as Visible;
const KS_RELEASE_VISIBLE: Visible = { ...ksVisible(VISIBLE.vehicles!), ca: 403, cb: 403 };
/** Current listings per region, as `region:vehicles` (VD1's owner has no region: counted nowhere). */
const KS_DENSITY: Visible = {
  admin: ['130000:2', '130100:1', '130200:1', '440000:3', '440100:2', '440300:1'],
  op13: ['130000:2', '130100:1', '130200:1'],
  op4401: ['440000:2', '440100:2'],
  enf44: 403,
  ca: ['130000:1', '130100:1', '440000:1', '440100:1'],
  cb: ['130000:1', '130200:1', '440000:1', '440100:1'],
};
const seedKeySupervisionEntry = async (pool: StoragePool, vehicleId: string): Promise<void> => {
  await pool.query(
    `INSERT INTO key_supervision_entries (entry_id, subject_kind, subject_id, listed_at, last_trigger_at, reasons)
     VALUES ($1, 'vehicle', $2, now(), now(), '[]') ON CONFLICT (entry_id) DO UPDATE SET exited_at = NULL, exit_kind = NULL, released_by = NULL, release_comment = NULL`,
    [KS(vehicleId), vehicleId],
  );
};
const KEY_SUPERVISION_ROWS = (): RouteRow[] => {
  const entryIds = [...VEHICLE_IDS.map(KS), 'KS-NONE'];
  return [
    {
      route: 'GET /v1/key-supervision/entries',
      cells: () => listRow('GET /v1/key-supervision/entries', 'current', '/v1/key-supervision/entries', ksVisible(VISIBLE.vehicles!), itemsBy('entryId')),
    },
    ...(['', '/evidence'] as const).map((tail) => ({
      route: `GET /v1/key-supervision/entries/:entryId${tail}`,
      cells: () =>
        byIdRow(
          `GET /v1/key-supervision/entries/:entryId${tail}`,
          entryIds,
          ksVisible(VISIBLE.vehicles!),
          (_, id) => ({ method: 'GET', path: `/v1/key-supervision/entries/${enc(id)}${tail}` }),
          () => 200,
        ),
    })),
    {
      route: 'POST /v1/key-supervision/entries/:entryId/release',
      // Each cell lists the vehicle again first, so every role meets an open entry.
      cells: () =>
        byIdRow(
          'POST /v1/key-supervision/entries/:entryId/release',
          entryIds,
          KS_RELEASE_VISIBLE,
          (_, id) => ({ method: 'POST', path: `/v1/key-supervision/entries/${enc(id)}/release`, body: { comment: '核实后解除' } }),
          () => 200,
          () => 404,
          async (ctx, id) => (id === 'KS-NONE' ? undefined : seedKeySupervisionEntry(ctx.pool, id.slice(3))),
        ),
    },
    {
      route: 'GET /v1/key-supervision/vehicles',
      cells: () => listRow('GET /v1/key-supervision/vehicles', 'listed', '/v1/key-supervision/vehicles', VISIBLE.vehicles!, (body) => body?.vehicleIds ?? []),
    },
    {
      route: 'GET /v1/key-supervision/density',
      cells: () =>
        listRow('GET /v1/key-supervision/density', 'regions', '/v1/key-supervision/density', KS_DENSITY, (body) =>
          (body?.regions ?? []).map((r: { regionCode: string; vehicles: number }) => `${r.regionCode}:${r.vehicles}`),
        ),
    },
  ];
};

/**
 * 布控线索 (issue #15): leads `TG-<region>` owned by their region alone (no company owns a lead);
 * officers read and decide their region's, the admin all, companies none.
 */
const TARGETING_REGIONS: Record<string, string | null> = { 'TG-130102': '130102', 'TG-440106': '440106', 'TG-440305': '440305', 'TG-NONE': null };
const LEAD_VISIBLE: Visible = {
  admin: Object.keys(TARGETING_REGIONS),
  op13: ['TG-130102'],
  op4401: ['TG-440106'],
  enf44: ['TG-440106', 'TG-440305'],
  ca: 403,
  cb: 403,
};
/** `GET /v1/targeting` lists every kind: these leads and the site weighings' alerts (`TARGETING_ALERTS`, seeded too). */
const ALL_LEADS_VISIBLE: Visible = {
  admin: [...Object.keys(TARGETING_REGIONS), 'TA-13', 'TA-4401'],
  op13: ['TG-130102', 'TA-13'],
  op4401: ['TG-440106', 'TA-4401'],
  enf44: ['TG-440106', 'TG-440305', 'TA-4401'],
  ca: 403,
  cb: 403,
};
const seedTargeting = async (pool: StoragePool, id: string): Promise<void> => {
  await pool.query(
    `INSERT INTO targeting_alerts (targeting_id, kind, plate, plate_colour, occurred_at, region_code) VALUES ($1, 'cloned_plate', '冀A00000', 2, now(), $2)
     ON CONFLICT (targeting_id) DO UPDATE SET status = 'open', decision_note = NULL, decided_by = NULL, decided_at = NULL`,
    [id, TARGETING_REGIONS[id]],
  );
};
const TARGETING_ROWS = (): RouteRow[] => {
  const ids = [...Object.keys(TARGETING_REGIONS), 'TG-MISSING'];
  return [
    { route: 'GET /v1/targeting', cells: () => listRow('GET /v1/targeting', 'all', '/v1/targeting', ALL_LEADS_VISIBLE, itemsBy('targetingId')) },
    {
      route: 'GET /v1/targeting/:targetingId',
      cells: () =>
        byIdRow(
          'GET /v1/targeting/:targetingId',
          ids,
          LEAD_VISIBLE,
          (_, id) => ({ method: 'GET', path: `/v1/targeting/${enc(id)}` }),
          () => 200,
        ),
    },
    {
      route: 'POST /v1/targeting/:targetingId/decision',
      // Each cell opens the lead again first, so every role meets an open one.
      cells: () =>
        byIdRow(
          'POST /v1/targeting/:targetingId/decision',
          ids,
          LEAD_VISIBLE,
          (_, id) => ({ method: 'POST', path: `/v1/targeting/${enc(id)}/decision`, body: { status: 'dismissed', note: '核实无误' } }),
          () => 200,
          () => 404,
          async (ctx, id) => (id === 'TG-MISSING' ? undefined : seedTargeting(ctx.pool, id)),
        ),
    },
  ];
};

/**
 * 大件 permits and area bans (issue #16). A permit is owned by its company and its region (its
 * own, else its company's): `PM-CA` (CA, region CA's 130102), `PM-CB` (CB, 440106), `PM-NONE`
 * (no company, 440305). Bans by region: a company reads those of no region and of a region its
 * own lies in; operators write their region's (another's is 403 by the body's region, 404 to retire).
 */
const PERMITS: Record<string, { company: string | null; region: string | null; vehicle: string }> = {
  'PM-CA': { company: 'CA', region: null, vehicle: 'VA1' },
  'PM-CB': { company: 'CB', region: '440106', vehicle: 'VB1' },
  'PM-NONE': { company: null, region: '440305', vehicle: 'VC1' },
};
const PERMIT_VISIBLE: Visible = { admin: Object.keys(PERMITS), op13: ['PM-CA'], op4401: ['PM-CB'], enf44: ['PM-CB', 'PM-NONE'], ca: ['PM-CA'], cb: ['PM-CB'] };
const BANS: Record<string, string | null> = { 'AB-13': '130102', 'AB-4401': '440106', 'AB-NONE': null };
const BAN_VISIBLE: Visible = {
  admin: Object.keys(BANS),
  op13: ['AB-13'],
  op4401: ['AB-4401'],
  enf44: ['AB-4401'],
  ca: ['AB-13', 'AB-NONE'],
  cb: ['AB-4401', 'AB-NONE'],
};
const BAN_WRITE_VISIBLE: Visible = { admin: Object.keys(BANS), op13: ['AB-13'], op4401: ['AB-4401'], enf44: 403, ca: 403, cb: 403 };
const banBody = (id: string) => ({
  banId: id,
  name: `禁行区${id}`,
  ...(BANS[id] ? { regionCode: BANS[id] } : {}),
  polygon: [
    [113.2, 23.1],
    [113.4, 23.1],
    [113.4, 23.2],
  ],
  vehicleClasses: ['hazmat'],
  windows: [{ from: '00:00', to: '06:00' }],
});
const seedPermitsAndBans = async (pool: StoragePool): Promise<void> => {
  for (const [routeId, p] of Object.entries(PERMITS)) {
    await pool.query(
      `INSERT INTO approved_routes (route_id, kind, name, company_id, region_code, polyline, valid_from, valid_to)
       VALUES ($1, 'oversize_permit', $1, $2, $3, '[[113.2, 23.1], [113.4, 23.1]]', $4, $5)`,
      [routeId, p.company, p.region, chinaDateOf(NOW - DAY_MS), chinaDateOf(NOW + DAY_MS)],
    );
    await pool.query(`INSERT INTO route_vehicles (route_id, vehicle_id) VALUES ($1, $2)`, [routeId, p.vehicle]);
  }
  for (const [banId, region] of Object.entries(BANS))
    await pool.query(
      `INSERT INTO area_bans (ban_id, name, region_code, polygon, vehicle_classes, windows) VALUES ($1, $1, $2, '[[113.2, 23.1], [113.4, 23.1], [113.4, 23.2]]', '{hazmat}', '[{"from": "00:00", "to": "06:00"}]')`,
      [banId, region],
    );
};
const PERMITS_ROWS = (): RouteRow[] => {
  const permitIds = [...Object.keys(PERMITS), 'PM-MISSING'];
  const banIds = [...Object.keys(BANS), 'AB-MISSING'];
  return [
    ...(['audit', 'audit.xlsx'] as const).map((kind) => ({
      route: `GET /v1/permits/:routeId/${kind}`,
      cells: () =>
        byIdRow(
          `GET /v1/permits/:routeId/${kind}`,
          permitIds,
          PERMIT_VISIBLE,
          (_, id) => ({ method: 'GET' as const, path: `/v1/permits/${enc(id)}/${kind}` }),
          () => 200,
        ),
    })),
    { route: 'GET /v1/area-bans', cells: () => listRow('GET /v1/area-bans', 'all', '/v1/area-bans', BAN_VISIBLE, itemsBy('banId')) },
    {
      route: 'PUT /v1/area-bans/:banId',
      cells: () =>
        byIdRow(
          'PUT /v1/area-bans/:banId',
          Object.keys(BANS),
          BAN_WRITE_VISIBLE,
          (_, id) => ({ method: 'PUT', path: `/v1/area-bans/${enc(id)}`, body: banBody(id) }),
          () => 200,
          () => 403,
        ),
    },
    {
      route: 'POST /v1/area-bans/:banId/retire',
      cells: () =>
        byIdRow(
          'POST /v1/area-bans/:banId/retire',
          banIds,
          BAN_WRITE_VISIBLE,
          (_, id) => ({ method: 'POST', path: `/v1/area-bans/${enc(id)}/retire` }),
          () => 200,
        ),
    },
  ];
};
// Signal tampering (issue #16 item 5): episodes (TE-<vehicle>) owned as the alerts of the same vehicle; blind areas as places (no company's).
const TAMPERING_EPISODES = Object.fromEntries(Object.entries(FACTS.alerts).map(([alertId, vehicleId]) => [`TE-${alertId.slice(3)}`, vehicleId]));
const TAMPERING_VISIBLE: Visible = Object.fromEntries(
  ROLES.map((r) => [r, VISIBLE.alerts![r] === 403 ? 403 : (VISIBLE.alerts![r] as string[]).map((id) => `TE-${id.slice(3)}`)]),
) as Visible;
const BLIND_AREA_REGIONS: Record<string, string | null> = { 'BA-13': '130102', 'BA-4401': '440106', 'BA-0': null };
const BLIND_AREAS_VISIBLE: Visible = { admin: ['BA-0', 'BA-13', 'BA-4401'], op13: ['BA-13'], op4401: ['BA-4401'], enf44: ['BA-4401'], ca: [], cb: [] };
const seedTampering = async (pool: StoragePool): Promise<void> => {
  for (const [episodeId, vehicleId] of Object.entries(TAMPERING_EPISODES)) {
    const copy = alertCopyOf(vehicleId);
    await pool.query(
      `INSERT INTO tampering_episodes (episode_id, vehicle_id, company_id, region_code, started_at, ended_at, indicators, score, context_i7, status, alert_id, judged_at)
       VALUES ($1, $2, $3, $4, now() - interval '1 hour', now() - interval '50 minutes', '{I2}', 1, false, 'suspected', $1, now())`,
      [episodeId, vehicleId, copy.companyId, copy.regionCode],
    );
  }
  for (const [id, region] of Object.entries(BLIND_AREA_REGIONS))
    await pool.query(
      `INSERT INTO blind_areas (blind_area_id, name, kind, region_code, latitude_deg, longitude_deg, radius_m) VALUES ($1, $1, 'tunnel', $2, 38, 114.5, 300)`,
      [id, region],
    );
};
const TAMPERING_ROWS = (): RouteRow[] => [
  {
    route: 'GET /v1/tampering-episodes',
    cells: () => listRow('GET /v1/tampering-episodes', 'all', '/v1/tampering-episodes', TAMPERING_VISIBLE, itemsBy('episodeId')),
  },
  {
    route: 'GET /v1/tampering-episodes/:episodeId',
    cells: () =>
      byIdRow(
        'GET /v1/tampering-episodes/:episodeId',
        [...Object.keys(TAMPERING_EPISODES), 'TE-NONE'],
        TAMPERING_VISIBLE,
        (_, id) => ({ method: 'GET', path: `/v1/tampering-episodes/${id}` }),
        () => 200,
      ),
  },
  { route: 'GET /v1/blind-areas', cells: () => listRow('GET /v1/blind-areas', 'all', '/v1/blind-areas', BLIND_AREAS_VISIBLE, itemsBy('blindAreaId')) },
  {
    route: 'PUT /v1/blind-areas/:blindAreaId',
    cells: () =>
      adminWrite(
        'PUT /v1/blind-areas/:blindAreaId',
        'PUT',
        '/v1/blind-areas/BA-NEW',
        { name: '新隧道', kind: 'tunnel', latitudeDeg: 38, longitudeDeg: 114.6, radiusM: 200 },
        200,
      ),
  },
  {
    route: 'DELETE /v1/blind-areas/:blindAreaId',
    cells: () => adminWrite('DELETE /v1/blind-areas/:blindAreaId', 'DELETE', '/v1/blind-areas/BA-NEW', undefined, 204),
  },
];

/** Run in this order: reads, then the live feed, then writes (which change what later reads would see). */
/** The site weighings' targeting alerts by region (listed by `GET /v1/targeting` with every kind): one in 13 (河北), one in 4401 (广州). */
const TARGETING_ALERTS = [
  ['TA-13', '130102'],
  ['TA-4401', '440106'],
] as const;

/**
 * Approved routes (issue #16): R-CA (company CA, 130102), R-CB (CB, 440106), R-44 (no company,
 * region 440305). Reads: admin all, operators their region, a company its own; enforcement none.
 * Writes: admin and operators of the region (another's route is 404); companies read only.
 * Episodes (E-<vehicle>, one per vehicle) are owned as the vehicle's alerts.
 */
const APPROVED_ROUTES: Record<string, { company: string | null; region: string | null }> = {
  'R-CA': { company: 'CA', region: null },
  'R-CB': { company: 'CB', region: null },
  'R-44': { company: null, region: '440305' },
};
const ROUTE_IDS = [...Object.keys(APPROVED_ROUTES), 'R-MISSING'];
const ROUTES_VISIBLE: Visible = { admin: Object.keys(APPROVED_ROUTES), op13: ['R-CA'], op4401: ['R-CB'], enf44: 403, ca: ['R-CA'], cb: ['R-CB'] };
const ROUTES_ADMIN_VISIBLE: Visible = { ...ROUTES_VISIBLE, ca: 403, cb: 403 };
const routeBody = (id: string) => ({
  kind: 'charter',
  name: `包车${id}`,
  ...(APPROVED_ROUTES[id]?.company ? { companyId: APPROVED_ROUTES[id]?.company } : {}),
  ...(APPROVED_ROUTES[id]?.region ? { regionCode: APPROVED_ROUTES[id]?.region } : {}),
  polyline: [
    [114.5, 38.0],
    [114.6, 38.0],
  ],
});
const seedApprovedRoute = async (pool: StoragePool, id: string): Promise<void> => {
  const r = APPROVED_ROUTES[id]!;
  await pool.query(
    `INSERT INTO approved_routes (route_id, kind, name, company_id, region_code, polyline) VALUES ($1, 'charter', $1, $2, $3, '[[114.5, 38.0], [114.6, 38.0]]')
     ON CONFLICT (route_id) DO UPDATE SET retired_at = NULL, company_id = EXCLUDED.company_id, region_code = EXCLUDED.region_code`,
    [id, r.company, r.region],
  );
};
const seedRouteEpisode = async (pool: StoragePool, vehicleId: string): Promise<void> => {
  await pool.query(`INSERT INTO route_episodes (episode_id, kind, vehicle_id, started_at) VALUES ($1, 'off_route', $2, now())`, [`E-${vehicleId}`, vehicleId]);
};
const APPROVED_ROUTE_ROWS = (): RouteRow[] => [
  { route: 'GET /v1/routes', cells: () => listRow('GET /v1/routes', 'charter', '/v1/routes?kind=charter', ROUTES_VISIBLE, itemsBy('routeId')) },
  {
    route: 'GET /v1/routes/:routeId',
    cells: () =>
      byIdRow(
        'GET /v1/routes/:routeId',
        ROUTE_IDS,
        ROUTES_VISIBLE,
        (_, id) => ({ method: 'GET', path: `/v1/routes/${enc(id)}` }),
        () => 200,
      ),
  },
  {
    route: 'PUT /v1/routes/:routeId',
    cells: () =>
      byIdRow(
        'PUT /v1/routes/:routeId',
        Object.keys(APPROVED_ROUTES),
        ROUTES_ADMIN_VISIBLE,
        (_, id) => ({ method: 'PUT', path: `/v1/routes/${enc(id)}`, body: routeBody(id) }),
        () => 200,
      ),
  },
  {
    route: 'POST /v1/routes/:routeId/retire',
    cells: () =>
      byIdRow(
        'POST /v1/routes/:routeId/retire',
        ROUTE_IDS,
        ROUTES_ADMIN_VISIBLE,
        (_, id) => ({ method: 'POST', path: `/v1/routes/${enc(id)}/retire` }),
        () => 200,
        () => 404,
        (ctx, id) => (id in APPROVED_ROUTES ? seedApprovedRoute(ctx.pool, id) : Promise.resolve()),
      ),
  },
  {
    route: 'PUT /v1/routes/:routeId/vehicles',
    cells: () =>
      byIdRow(
        'PUT /v1/routes/:routeId/vehicles',
        ROUTE_IDS,
        ROUTES_ADMIN_VISIBLE,
        (_, id) => ({ method: 'PUT', path: `/v1/routes/${enc(id)}/vehicles`, body: { vehicleIds: [] } }),
        () => 200,
      ),
  },
  {
    route: 'POST /v1/routes/:routeId/detours',
    cells: () =>
      byIdRow(
        'POST /v1/routes/:routeId/detours',
        ROUTE_IDS,
        ROUTES_ADMIN_VISIBLE,
        (_, id) => ({ method: 'POST', path: `/v1/routes/${enc(id)}/detours`, body: { fromMs: NOW, toMs: NOW + 3_600_000, comment: '修路绕行' } }),
        () => 201,
        () => 404,
        (ctx, id) => (id in APPROVED_ROUTES ? seedApprovedRoute(ctx.pool, id) : Promise.resolve()),
      ),
  },
  {
    route: 'GET /v1/route-episodes',
    cells: () =>
      listRow(
        'GET /v1/route-episodes',
        'all',
        '/v1/route-episodes',
        {
          ...VISIBLE.vehicles!,
          enf44: 403,
          ...Object.fromEntries(ROLES.filter((r) => VISIBLE.vehicles![r] !== 403).map((r) => [r, (VISIBLE.vehicles![r] as string[]).map((v) => `E-${v}`)])),
        } as Visible,
        itemsBy('episodeId'),
      ),
  },
];

const ROUTES: RouteRow[] = [
  {
    route: 'GET /openapi.json',
    cells: () =>
      ROLES.map((role) => ({
        route: 'GET /openapi.json',
        label: '',
        role,
        expected: 200,
        run: async (ctx) => ({ status: (await send(ctx.url, 'GET', '/openapi.json', undefined, ctx.tokens[role])).status }),
      })),
  },
  {
    route: 'POST /v1/auth/login',
    // The capabilities handed to the client are the role table's.
    cells: () =>
      ROLES.map((role) => ({
        route: 'POST /v1/auth/login',
        label: 'capabilities',
        role,
        expected: [...CAPABILITIES[role]].sort(),
        run: async (ctx) => {
          const r = await send(ctx.url, 'POST', '/v1/auth/login', { username: USERS[role].username, password: USERS[role].password });
          return { status: r.status, ids: [...(r.body?.user?.capabilities ?? [])].sort() };
        },
      })),
  },
  {
    route: 'GET /v1/me',
    cells: () =>
      ROLES.map((role) => ({
        route: 'GET /v1/me',
        label: 'claims',
        role,
        expected: [USERS[role].username, USERS[role].regionCode ?? USERS[role].companyId ?? '-'],
        run: async (ctx) => {
          const r = await send(ctx.url, 'GET', '/v1/me', undefined, ctx.tokens[role]);
          return { status: r.status, ids: [r.body?.username, r.body?.regionCode ?? r.body?.companyId ?? '-'] };
        },
      })),
  },
  {
    route: 'GET /v1/vehicles',
    cells: () => [
      ...listRow('GET /v1/vehicles', 'all', '/v1/vehicles', VISIBLE.vehicles!, itemsBy('vehicleId')),
      ...listRow(
        'GET /v1/vehicles',
        '?companyId=CB',
        '/v1/vehicles?companyId=CB',
        narrowed(VISIBLE.vehicles!, (id) => companyOfVehicle(id) === 'CB'),
        itemsBy('vehicleId'),
      ),
      ...listRow(
        'GET /v1/vehicles',
        '?vehicleClass=long_distance_bus',
        '/v1/vehicles?vehicleClass=long_distance_bus',
        narrowed(VISIBLE.vehicles!, (id) => FACTS.vehicles[id as VehicleId].class === 'long_distance_bus'),
        itemsBy('vehicleId'),
      ),
      ...listRow(
        'GET /v1/vehicles',
        '?plate=冀',
        `/v1/vehicles?plate=${enc('冀')}`,
        narrowed(VISIBLE.vehicles!, (id) => FACTS.vehicles[id as VehicleId].plate.startsWith('冀')),
        itemsBy('vehicleId'),
      ),
      // The region every list shows is the one it is scoped on.
      ...listRow(
        'GET /v1/vehicles',
        'regionCode shown',
        '/v1/vehicles',
        narrowed(VISIBLE.vehicles!, () => true),
        (b) => itemsBy('vehicleId')(b).filter((id, i) => (b.items[i].regionCode ?? null) === vehicleOwnerRegion(id)),
      ),
    ],
  },
  {
    route: 'GET /v1/vehicles/:vehicleId',
    cells: () =>
      byIdRow(
        'GET /v1/vehicles/:vehicleId',
        [...VEHICLE_IDS, 'VX'],
        VISIBLE.vehicles!,
        (_, id) => ({ method: 'GET', path: `/v1/vehicles/${id}` }),
        () => 200,
      ),
  },
  {
    route: 'GET /v1/vehicles/:vehicleId/track',
    cells: () =>
      byIdRow(
        'GET /v1/vehicles/:vehicleId/track',
        [...VEHICLE_IDS, 'VX'],
        VISIBLE.vehicles!,
        (_, id) => ({ method: 'GET', path: `/v1/vehicles/${id}/track?fromMs=${NOW - 3_600_000}&toMs=${NOW + 60_000}` }),
        () => 200,
      ),
  },
  {
    // An unregistered terminal's positions belong to no region or company: the monitoring centre (admin, operators of any region) reads them.
    route: 'GET /v1/terminals/:terminalId/track',
    cells: () =>
      byIdRow(
        'GET /v1/terminals/:terminalId/track',
        ['13800000001'],
        { admin: ['13800000001'], op13: ['13800000001'], op4401: ['13800000001'], enf44: 403, ca: 403, cb: 403 },
        (_, id) => ({
          method: 'GET',
          path: `/v1/terminals/${id}/track?fromMs=${NOW - 3_600_000}&toMs=${NOW + 60_000}`,
        }),
        () => 200,
      ),
  },
  {
    route: 'GET /v1/alerts',
    cells: () => [
      ...listRow('GET /v1/alerts', 'all', '/v1/alerts', VISIBLE.alerts!, itemsBy('alertId')),
      ...listRow(
        'GET /v1/alerts',
        '?companyId=CB',
        '/v1/alerts?companyId=CB',
        narrowed(VISIBLE.alerts!, (id) => (companyOfVehicle(FACTS.alerts[id as keyof typeof FACTS.alerts]) ?? alertCopyOf('VX').companyId) === 'CB'),
        itemsBy('alertId'),
      ),
      ...listRow(
        'GET /v1/alerts',
        '?regionCode=4401',
        '/v1/alerts?regionCode=4401',
        narrowed(VISIBLE.alerts!, (id) =>
          (
            vehicleOwnerRegion(FACTS.alerts[id as keyof typeof FACTS.alerts]) ?? alertCopyOf(FACTS.alerts[id as keyof typeof FACTS.alerts]).regionCode
          ).startsWith('4401'),
        ),
        itemsBy('alertId'),
      ),
      ...listRow(
        'GET /v1/alerts',
        '?vehicleId=VB2',
        '/v1/alerts?vehicleId=VB2',
        narrowed(VISIBLE.alerts!, (id) => id === 'AL-VB2'),
        itemsBy('alertId'),
      ),
      ...listRow('GET /v1/alerts', '?acknowledged=false', '/v1/alerts?acknowledged=false', VISIBLE.alerts!, itemsBy('alertId')),
    ],
  },
  {
    route: 'GET /v1/alerts/:alertId',
    cells: () =>
      byIdRow(
        'GET /v1/alerts/:alertId',
        [...Object.keys(FACTS.alerts), 'AL-NONE'],
        VISIBLE.alerts!,
        (_, id) => ({ method: 'GET', path: `/v1/alerts/${id}` }),
        () => 200,
      ),
  },
  // An alert's revisions are scoped as the alert is (main added the route without a row).
  {
    route: 'GET /v1/alerts/:alertId/revisions',
    cells: () =>
      byIdRow(
        'GET /v1/alerts/:alertId/revisions',
        [...Object.keys(FACTS.alerts), 'AL-NONE'],
        VISIBLE.alerts!,
        (_, id) => ({ method: 'GET', path: `/v1/alerts/${id}/revisions` }),
        () => 200,
      ),
  },
  {
    route: 'GET /v1/wim',
    cells: () => [
      ...listRow('GET /v1/wim', 'all', '/v1/wim', VISIBLE.wim!, itemsBy('measurementId')),
      ...listRow(
        'GET /v1/wim',
        '?stationId=S4401',
        '/v1/wim?stationId=S4401',
        narrowed(VISIBLE.wim!, (id) => id.startsWith('S4401/')),
        itemsBy('measurementId'),
      ),
      ...listRow(
        'GET /v1/wim',
        '?plate=冀B00004',
        `/v1/wim?plate=${enc('冀B00004')}`,
        narrowed(VISIBLE.wim!, (id) => id.endsWith('/VB2')),
        itemsBy('measurementId'),
      ),
    ],
  },
  { route: 'GET /v1/wim/stations', cells: () => listRow('GET /v1/wim/stations', 'all', '/v1/wim/stations', VISIBLE.stations!, itemsBy('stationId')) },
  { route: 'GET /v1/source-sites', cells: () => listRow('GET /v1/source-sites', 'all', '/v1/source-sites', VISIBLE.sourceSites!, itemsBy('sourceSiteId')) },
  {
    route: 'GET /v1/reports/companies',
    cells: () =>
      listRow('GET /v1/reports/companies', 'range', report, VISIBLE.report!, (b) =>
        (b?.rows ?? []).map((r: { companyId: string; vehicles: number }) => `${r.companyId}:${r.vehicles}`),
      ),
  },
  // ─── the reports' charts and files: scoped as the report; the 通报 is the region's (operators, admin), never a company's ───
  {
    route: 'GET /v1/reports/charts',
    cells: () => [
      ...listRow('GET /v1/reports/charts', 'vehicles counted', chartsPath(''), vehicleCount(VISIBLE.vehicles!), chartVehicles),
      // Guessing another company's id or region narrows to nothing, never widens.
      ...listRow(
        'GET /v1/reports/charts',
        '?companyId=CB',
        chartsPath('&companyId=CB'),
        vehicleCount(narrowed(VISIBLE.vehicles!, (id) => companyOfVehicle(id) === 'CB')),
        chartVehicles,
      ),
      ...listRow(
        'GET /v1/reports/charts',
        '?regionCode=44',
        chartsPath('&regionCode=44'),
        vehicleCount(narrowed(VISIBLE.vehicles!, (id) => (vehicleOwnerRegion(id) ?? '').startsWith('44'))),
        chartVehicles,
      ),
    ],
  },
  { route: 'GET /v1/reports/companies.csv', cells: () => fileRow('GET /v1/reports/companies.csv', reportRange, VISIBLE.report!, csvReportIds) },
  { route: 'GET /v1/reports/companies.xlsx', cells: () => fileRow('GET /v1/reports/companies.xlsx', reportRange, VISIBLE.report!, xlsxReportIds) },
  {
    route: 'GET /v1/reports/notice.xlsx',
    cells: () => [
      ...fileRow('GET /v1/reports/notice.xlsx', `?month=${NOTICE_MONTH}`, NOTICE_VISIBLE, noticeIds, seedNoticeScores),
      // A region wider than the operator's own (44 ⊃ 4401) or beside it (44 vs 13): 403; the admin gets the region's companies.
      ...fileRow(
        'GET /v1/reports/notice.xlsx',
        `?month=${NOTICE_MONTH}&regionCode=44`,
        { ...NOTICE_VISIBLE, admin: ['CB'], op13: 403, op4401: 403 },
        noticeIds,
        seedNoticeScores,
      ),
    ],
  },
  {
    route: 'GET /v1/cases',
    cells: () => [
      ...listRow('GET /v1/cases', 'all', '/v1/cases', VISIBLE.cases!, itemsBy('vehicleId')),
      ...listRow(
        'GET /v1/cases',
        '?companyId=CB',
        '/v1/cases?companyId=CB',
        narrowed(VISIBLE.cases!, (id) => companyOfVehicle(id) === 'CB'),
        itemsBy('vehicleId'),
      ),
      ...listRow(
        'GET /v1/cases',
        '?party=VA1',
        '/v1/cases?party=VA1',
        narrowed(VISIBLE.cases!, (id) => id === 'VA1'),
        itemsBy('vehicleId'),
      ),
      ...listRow('GET /v1/cases', '?status=opened', '/v1/cases?status=opened', VISIBLE.cases!, itemsBy('vehicleId')),
    ],
  },
  {
    route: 'GET /v1/cases/:caseId',
    cells: () =>
      byIdRow(
        'GET /v1/cases/:caseId',
        [...VEHICLE_IDS, 'NONE'],
        VISIBLE.cases!,
        (ctx, id) => ({ method: 'GET', path: `/v1/cases/${enc(ctx.caseOf[id] ?? 'case:none')}` }),
        () => 200,
      ),
  },
  {
    route: 'GET /v1/relays',
    cells: () => [
      ...listRow('GET /v1/relays', 'all', '/v1/relays', VISIBLE.relays!, itemsBy('vehicleId')),
      ...listRow(
        'GET /v1/relays',
        '?vehicleId=VB2',
        '/v1/relays?vehicleId=VB2',
        narrowed(VISIBLE.relays!, (id) => id === 'VB2'),
        itemsBy('vehicleId'),
      ),
      ...listRow('GET /v1/relays', `?fromDate=${tomorrow}`, `/v1/relays?fromDate=${tomorrow}`, VISIBLE.relays!, itemsBy('vehicleId')),
    ],
  },
  {
    route: 'GET /v1/inspections',
    cells: () => listRow('GET /v1/inspections', 'all', '/v1/inspections', VISIBLE.inspections!, itemsBy('inspectionId')),
  },
  {
    route: 'GET /v1/inspections/targets',
    cells: () => listRow('GET /v1/inspections/targets', 'all', '/v1/inspections/targets', VISIBLE.inspectionTargets!, itemsBy('companyId')),
  },
  {
    route: 'GET /v1/inspections/:inspectionId',
    cells: () =>
      byIdRow(
        'GET /v1/inspections/:inspectionId',
        [...Object.keys(FACTS.inspections), 'I-NONE'],
        VISIBLE.inspections!,
        (_, id) => ({ method: 'GET', path: `/v1/inspections/${id}` }),
        () => 200,
      ),
  },
  {
    route: 'GET /v1/admin/companies',
    cells: () => listRow('GET /v1/admin/companies', 'list', '/v1/admin/companies', adminOnly(Object.keys(COMPANIES)), itemsBy('companyId')),
  },
  {
    route: 'GET /v1/admin/vehicles',
    cells: () => listRow('GET /v1/admin/vehicles', 'list', '/v1/admin/vehicles', adminOnly(ALL_VEHICLES), itemsBy('vehicleId')),
  },
  { route: 'GET /v1/admin/vehicles/:vehicleId', cells: () => adminWrite('GET /v1/admin/vehicles/:vehicleId', 'GET', '/v1/admin/vehicles/VB2', undefined, 200) },
  // The handling workflow (RULES §9): every seeded item is overdue and escalated.
  { route: 'GET /v1/handling', cells: () => listRow('GET /v1/handling', 'list', '/v1/handling', VISIBLE.handling!, itemsBy('alertId')) },
  {
    route: 'GET /v1/handling/duty-board',
    cells: () =>
      listRow(
        'GET /v1/handling/duty-board',
        'overdue',
        '/v1/handling/duty-board',
        { ...VISIBLE.handling!, ca: 403, cb: 403 },
        (body: { overdue?: { alertId: string }[] }) => (body?.overdue ?? []).map((i) => i.alertId),
      ),
  },
  {
    route: 'GET /v1/handling/:alertId',
    cells: () =>
      byIdRow(
        'GET /v1/handling/:alertId',
        [...HANDLING_IDS, 'H-NONE'],
        VISIBLE.handling!,
        (_, id) => ({ method: 'GET', path: `/v1/handling/${id}` }),
        () => 200,
      ),
  },
  // 源头倒查 (issue #15): a case's trace reads as the case (the seeded cases have none: null); the ranking and the
  // grade-C layer are the monitoring centre's and the officers' (no traces seeded: empty), never a company's.
  {
    route: 'GET /v1/cases/:caseId/source-trace',
    cells: () =>
      byIdRow(
        'GET /v1/cases/:caseId/source-trace',
        [...VEHICLE_IDS, 'NONE'],
        VISIBLE.cases!,
        (ctx, id) => ({ method: 'GET', path: `/v1/cases/${enc(ctx.caseOf[id] ?? 'case:none')}/source-trace` }),
        () => 200,
      ),
  },
  ...(['ranking', 'possible-loading-points'] as const).map((what) => ({
    route: `GET /v1/source-traces/${what}`,
    cells: () =>
      listRow(
        `GET /v1/source-traces/${what}`,
        'period',
        `/v1/source-traces/${what}?fromMs=${Date.UTC(2025, 0, 1)}&toMs=${Date.UTC(2025, 0, 31)}`,
        { admin: [], op13: [], op4401: [], enf44: [], ca: 403, cb: 403 },
        (body) => [...(body?.rows ?? []), ...(body?.items ?? [])].map((r: { traceId?: string; sourceSiteId?: string }) => r.traceId ?? r.sourceSiteId ?? ''),
      ),
  })),
  // 源头倒查's map side (issue #15): the trace's track reads as the case (no trace seeded: an empty track); the ranking's
  // files as the ranking (never a company's); the site kinds are the admin's alone, in the order a kind's life runs.
  {
    route: 'GET /v1/cases/:caseId/source-trace/track',
    cells: () =>
      byIdRow(
        'GET /v1/cases/:caseId/source-trace/track',
        [...VEHICLE_IDS, 'NONE'],
        VISIBLE.cases!,
        (ctx, id) => ({ method: 'GET', path: `/v1/cases/${enc(ctx.caseOf[id] ?? 'case:none')}/source-trace/track` }),
        () => 200,
      ),
  },
  ...(['csv', 'xlsx'] as const).map((format) => ({
    route: `GET /v1/source-traces/ranking.${format}`,
    cells: () =>
      ROLES.map((role): Cell => ({
        route: `GET /v1/source-traces/ranking.${format}`,
        label: 'period',
        role,
        expected: USERS[role].role === 'company' ? 403 : 200,
        run: async (ctx) => ({
          status: (
            await fetch(`${ctx.url}/v1/source-traces/ranking.${format}?fromMs=${Date.UTC(2025, 0, 1)}&toMs=${Date.UTC(2025, 0, 31)}`, {
              headers: { authorization: `Bearer ${ctx.tokens[role]}` },
            })
          ).status,
        }),
      })),
  })),
  {
    route: 'GET /v1/source-site-kinds',
    cells: () =>
      listRow(
        'GET /v1/source-site-kinds',
        'seeded',
        '/v1/source-site-kinds',
        adminOnly(['cement_concrete', 'logistics_park', 'mine', 'port_freight', 'sand_gravel']),
        itemsBy('kindCode'),
      ),
  },
  {
    route: 'POST /v1/source-site-kinds',
    cells: () => adminWrite('POST /v1/source-site-kinds', 'POST', '/v1/source-site-kinds', { kindCode: 'm_kiln', nameZh: '砖窑', nameEn: 'Kiln' }, 201),
  },
  {
    route: 'PUT /v1/source-site-kinds/:kindCode',
    cells: () => adminWrite('PUT /v1/source-site-kinds/:kindCode', 'PUT', '/v1/source-site-kinds/m_kiln', { nameZh: '砖瓦窑', nameEn: 'Brick kiln' }, 200),
  },
  {
    route: 'DELETE /v1/source-site-kinds/:kindCode',
    cells: () => adminWrite('DELETE /v1/source-site-kinds/:kindCode', 'DELETE', '/v1/source-site-kinds/m_kiln', undefined, 204),
  },
  // JT/T 809 lower platforms (issue #17): the registry and what the platforms told us are the admin's; 查岗 of a company's
  // platform goes as that company's 查岗 (operators of its region, the admin); 督办 of an alert in scope.
  { route: 'GET /v1/lower-platforms', cells: () => adminWrite('GET /v1/lower-platforms', 'GET', '/v1/lower-platforms', undefined, 200) },
  {
    route: 'PUT /v1/lower-platforms/:accessCode',
    cells: () =>
      adminWrite(
        'PUT /v1/lower-platforms/:accessCode',
        'PUT',
        '/v1/lower-platforms/8101',
        {
          name: '公司CB监控平台',
          companyId: 'CB',
          userId: 8_101,
          password: 'pw809',
          allowedSources: ['127.0.0.1'],
          protocolVersion: '2019',
        },
        200,
      ),
  },
  ...(['vehicles', 'alarms', 'quality?fromDate=2026-12-01&toDate=2026-12-06', 'requests'] as const).map((sub) => ({
    route: `GET /v1/lower-platforms/${sub.split('?')[0]}`,
    cells: () => adminWrite(`GET /v1/lower-platforms/${sub.split('?')[0]}`, 'GET', `/v1/lower-platforms/${sub}`, undefined, 200),
  })),
  {
    route: 'POST /v1/lower-platforms/vehicles/review',
    cells: () =>
      adminWrite(
        'POST /v1/lower-platforms/vehicles/review',
        'POST',
        '/v1/lower-platforms/vehicles/review',
        { accessCode: 8_101, plate: '粤Z0', plateColour: 2, decision: 'accepted' },
        404,
      ),
  },
  {
    route: 'POST /v1/lower-platforms/:accessCode/inspections',
    cells: () =>
      ROLES.map((role) => ({
        route: 'POST /v1/lower-platforms/:accessCode/inspections',
        label: '8101 (CB, region 4401)',
        role,
        expected: ({ admin: 201, op13: 404, op4401: 201, enf44: 403, ca: 403, cb: 403 } as const)[role],
        run: async (ctx: Ctx) => ({
          status: (await send(ctx.url, 'POST', '/v1/lower-platforms/8101/inspections', { question: '请报告在岗人员', windowMinutes: 10 }, ctx.tokens[role]))
            .status,
        }),
      })),
  },
  {
    route: 'POST /v1/lower-platforms/:accessCode/supervisions',
    cells: () =>
      ROLES.map((role) => ({
        route: 'POST /v1/lower-platforms/:accessCode/supervisions',
        label: 'an alert nobody has',
        role,
        expected: ({ admin: 404, op13: 404, op4401: 404, enf44: 403, ca: 403, cb: 403 } as const)[role],
        run: async (ctx: Ctx) => ({
          status: (await send(ctx.url, 'POST', '/v1/lower-platforms/8101/supervisions', { alertId: 'AL-NONE' }, ctx.tokens[role])).status,
        }),
      })),
  },
  {
    route: 'DELETE /v1/lower-platforms/:accessCode',
    cells: () => adminWrite('DELETE /v1/lower-platforms/:accessCode', 'DELETE', '/v1/lower-platforms/8101', undefined, 204),
  },
  // socket.io: what each role receives of the positions and alerts the bus carries.
  { route: 'SOCKET /live', cells: () => [] },
  // ─── writes ───
  {
    route: 'POST /v1/alerts/:alertId/ack',
    cells: () =>
      byIdRow(
        'POST /v1/alerts/:alertId/ack',
        [...Object.keys(FACTS.alerts), 'AL-NONE'],
        VISIBLE.alerts!,
        (_, id) => ({ method: 'POST', path: `/v1/alerts/${id}/ack`, body: { comment: '已核实' } }),
        () => 200,
      ),
  },
  // Handling steps, in the order a life runs; the admin goes first, so a company meets what the admin did (409).
  // The company's steps are 403 to operators, the decision 403 to companies, before the item is looked up.
  ...(
    [
      ['view', {}, (role: Role) => (role === 'admin' || USERS[role].role === 'company' ? 200 : 403)],
      ['appeal', { reason: '设备故障' }, (role: Role) => (role === 'admin' ? 200 : USERS[role].role === 'company' ? 409 : 403)],
      [
        'appeal/decision',
        { decision: 'rejected', comment: '证据不足' },
        (role: Role) => (role === 'admin' ? 200 : USERS[role].role === 'operator' ? 409 : 403),
      ],
      ['handle', { measure: 'phone_call', comment: '已电话提醒' }, (role: Role) => (role === 'admin' ? 200 : USERS[role].role === 'company' ? 409 : 403)],
    ] as const
  ).map(([action, body, inScope]) => ({
    route: `POST /v1/handling/:alertId/${action}`,
    cells: () =>
      byIdRow(
        `POST /v1/handling/:alertId/${action}`,
        [...HANDLING_IDS, 'H-NONE'],
        VISIBLE.handling!,
        (_, id) => ({ method: 'POST', path: `/v1/handling/${id}/${action}`, body }),
        inScope,
        (role) => (inScope(role) === 403 ? 403 : 404),
      ),
  })),
  // Deciding, reporting and closing is enforcement's: another role that may read the case gets 403, outside the scope 404.
  ...(
    [
      ['decision', { penalties: [] }],
      ['report', { reportedTo: '河北省交通运输厅' }],
      ['close', { outcome: 'penalties_executed', comment: '已执行' }],
    ] as const
  ).map(([action, body]) => ({
    route: `POST /v1/cases/:caseId/${action}`,
    cells: () =>
      byIdRow(
        `POST /v1/cases/:caseId/${action}`,
        [...VEHICLE_IDS, 'NONE'],
        VISIBLE.cases!,
        (ctx, id) => ({ method: 'POST', path: `/v1/cases/${enc(ctx.caseOf[id] ?? 'case:none')}/${action}`, body }),
        (role) => (USERS[role].role === 'enforcement' ? 200 : 403),
      ),
  })),
  // Confirming a case's 源头倒查 is enforcement's and the admin's: others who read the case get 403, outside the scope 404;
  // the seeded cases have no trace, so in scope it is 404 too (nothing to decide).
  {
    route: 'POST /v1/cases/:caseId/source-trace/decision',
    cells: () =>
      byIdRow(
        'POST /v1/cases/:caseId/source-trace/decision',
        [...VEHICLE_IDS, 'NONE'],
        VISIBLE.cases!,
        (ctx, id) => ({
          method: 'POST',
          path: `/v1/cases/${enc(ctx.caseOf[id] ?? 'case:none')}/source-trace/decision`,
          body: { decision: 'reject', comment: '核实' },
        }),
        (role) => (USERS[role].role === 'enforcement' || USERS[role].role === 'admin' ? 404 : 403),
      ),
  },
  {
    route: 'POST /v1/relays',
    cells: () =>
      byIdRow(
        'POST /v1/relays',
        [...VEHICLE_IDS, 'VX'],
        VISIBLE.vehicles!,
        (_, id) => ({
          method: 'POST',
          path: '/v1/relays',
          body: { vehicleId: id, nightDate: tonight, relayPoint: '服务区', handingOverDriver: '张三', takingOverDriver: '李四' },
        }),
        (_, id) => (['long_distance_bus', 'tour_coach'].includes(FACTS.vehicles[id as VehicleId].class) ? 201 : 400),
      ),
  },
  {
    route: 'DELETE /v1/relays/:relayId',
    // Each cell puts the registration back first, so every role meets it.
    cells: () =>
      byIdRow(
        'DELETE /v1/relays/:relayId',
        Object.values(FACTS.relays),
        VISIBLE.relays!,
        (_, vehicleId) => ({ method: 'DELETE', path: `/v1/relays/R-${vehicleId}` }),
        () => 204,
        () => 404,
        (ctx, vehicleId) => seedRelay(ctx.pool, `R-${vehicleId}`),
      ),
  },
  // 重点监管 (issue #14): one open entry per vehicle (`KS-<vehicle>`), owned as the vehicle; companies read, officers release.
  ...KEY_SUPERVISION_ROWS(),
  // 布控线索 (issue #15): leads owned by their region; officers read and decide, companies never.
  ...TARGETING_ROWS(),
  // Approved routes (issue #16): owned by their company, their region their own else the company's.
  ...APPROVED_ROUTE_ROWS(),
  // 大件 audit sheets and area bans (issue #16).
  ...PERMITS_ROWS(),
  // Issue #16 item 6: the terminals' own area/route alarms (one seeded per vehicle, and one of an unbound terminal: the admin's only) by the vehicle's owner.
  {
    route: 'GET /v1/terminal-area-alarms',
    cells: () =>
      listRow(
        'GET /v1/terminal-area-alarms',
        'all',
        '/v1/terminal-area-alarms',
        { ...VISIBLE.vehicles!, admin: [...ALL_VEHICLES, 'TERM-UNBOUND'] },
        itemsBy('vehicleId'),
      ),
  },
  // Nothing is sent in this matrix (no vehicle here has a terminal): each role lists none, or 403.
  {
    route: 'GET /v1/terminal-geofences',
    cells: () =>
      listRow(
        'GET /v1/terminal-geofences',
        'all',
        '/v1/terminal-geofences',
        narrowed(VISIBLE.vehicles!, () => false),
        itemsBy('commandId'),
      ),
  },
  {
    // The monitoring centre sends to the vehicles of its scope: in scope a vehicle without a terminal is 400 naming it, out of scope 404; companies and enforcement 403.
    route: 'POST /v1/terminal-geofences',
    cells: () =>
      byIdRow(
        'POST /v1/terminal-geofences',
        [...VEHICLE_IDS, 'VX'],
        { ...VISIBLE.vehicles!, ca: 403, cb: 403 },
        (_, id) => ({
          method: 'POST',
          path: '/v1/terminal-geofences',
          body: { vehicleId: id, source: { kind: 'circle', name: '站场', center: { latitudeDeg: 39.9, longitudeDeg: 116.4 }, radiusM: 300 } },
        }),
        () => 400,
      ),
  },
  // Signal tampering (issue #16 item 5)
  ...TAMPERING_ROWS(),
  {
    route: 'POST /v1/inspections',
    // A company outside the sender's scope is 404, as one that does not exist.
    cells: () =>
      byIdRow(
        'POST /v1/inspections',
        [...Object.keys(COMPANIES), 'CNONE'],
        VISIBLE.inspectionTargets!,
        (_, id) => ({ method: 'POST', path: '/v1/inspections', body: { question: '请报告值班人员', companyIds: [id] } }),
        () => 201,
      ),
  },
  {
    route: 'POST /v1/inspections/:inspectionId/answer',
    // Only the company addressed answers; the monitoring centre may read but not answer (403).
    cells: () =>
      byIdRow(
        'POST /v1/inspections/:inspectionId/answer',
        [...Object.keys(FACTS.inspections), 'I-NONE'],
        VISIBLE.inspections!,
        (_, id) => ({ method: 'POST', path: `/v1/inspections/${id}/answer`, body: { answer: '在岗' } }),
        (role) => (USERS[role].role === 'company' ? 200 : 403),
        (role) => (USERS[role].role === 'company' ? 404 : 403),
      ),
  },
  {
    route: 'POST /v1/admin/companies',
    cells: () => adminWrite('POST /v1/admin/companies', 'POST', '/v1/admin/companies', { companyId: 'CZ', name: '新公司', regionCode: '110101' }, 201),
  },
  {
    route: 'PUT /v1/admin/companies/:companyId',
    cells: () =>
      adminWrite('PUT /v1/admin/companies/:companyId', 'PUT', '/v1/admin/companies/CZ', { companyId: 'CZ', name: '新公司二', regionCode: '110101' }, 200),
  },
  {
    route: 'POST /v1/admin/vehicles',
    cells: () =>
      adminWrite(
        'POST /v1/admin/vehicles',
        'POST',
        '/v1/admin/vehicles',
        { vehicleId: 'VZ', plate: '京A00009', plateColour: 2, vehicleClass: 'heavy_truck', companyId: 'CZ' },
        201,
      ),
  },
  {
    route: 'PUT /v1/admin/vehicles/:vehicleId',
    cells: () =>
      adminWrite(
        'PUT /v1/admin/vehicles/:vehicleId',
        'PUT',
        '/v1/admin/vehicles/VZ',
        { vehicleId: 'VZ', plate: '京A00009', plateColour: 2, vehicleClass: 'heavy_truck', companyId: 'CZ', regionCode: '110102' },
        200,
      ),
  },
  ...adminResource('terminals', '13800000999', { terminalId: '13800000999', vehicleId: 'VZ', model: 'JT-1' }, [], 'terminalId'),
  // The roster's drivers (DRV-<company>) are seeded.
  ...adminResource('drivers', 'DZ', { driverId: 'DZ', name: '赵六', companyId: 'CZ' }, ROSTER_DRIVERS, 'driverId'),
  ...adminResource(
    'speed-zones',
    'ZZ',
    {
      segmentId: 'ZZ',
      roadClass: 'urban',
      postedLimitKmh: 60,
      polyline: [
        [116.3, 39.9],
        [116.4, 39.95],
      ],
    },
    [],
    'segmentId',
  ),
  ...adminResource('wim-stations', 'SZ', { stationId: 'SZ', name: '新站', regionCode: '110101' }, Object.keys(FACTS.stations), 'stationId'),
  ...adminResource('source-sites', 'SSZ', { sourceSiteId: 'SSZ', name: '新源头', companyId: 'CZ' }, Object.keys(FACTS.sourceSites), 'sourceSiteId'),
  // 用户管理 and the audit log: admin only, whatever the other role's scope; a user's own password: every signed-in user.
  {
    route: 'GET /v1/admin/users',
    cells: () => listRow('GET /v1/admin/users', 'list', '/v1/admin/users', adminOnly(Object.values(USERS).map((u) => u.username)), itemsBy('username')),
  },
  {
    route: 'POST /v1/admin/users',
    cells: () => adminWrite('POST /v1/admin/users', 'POST', '/v1/admin/users', { username: 'm-new', role: 'company', companyId: 'CA' }, 201),
  },
  { route: 'GET /v1/admin/users/:username', cells: () => adminWrite('GET /v1/admin/users/:username', 'GET', '/v1/admin/users/m-new', undefined, 200) },
  {
    route: 'PUT /v1/admin/users/:username',
    cells: () => adminWrite('PUT /v1/admin/users/:username', 'PUT', '/v1/admin/users/m-new', { role: 'company', companyId: 'CB' }, 200),
  },
  {
    route: 'POST /v1/admin/users/:username/reset-password',
    cells: () => adminWrite('POST /v1/admin/users/:username/reset-password', 'POST', '/v1/admin/users/m-new/reset-password', {}, 200),
  },
  {
    route: 'POST /v1/admin/users/:username/disable',
    cells: () => adminWrite('POST /v1/admin/users/:username/disable', 'POST', '/v1/admin/users/m-new/disable', {}, 200),
  },
  {
    route: 'POST /v1/admin/users/:username/enable',
    cells: () => adminWrite('POST /v1/admin/users/:username/enable', 'POST', '/v1/admin/users/m-new/enable', {}, 200),
  },
  {
    route: 'GET /v1/admin/users/:username/sign-ins',
    cells: () => adminWrite('GET /v1/admin/users/:username/sign-ins', 'GET', '/v1/admin/users/m-ca/sign-ins', undefined, 200),
  },
  { route: 'GET /v1/admin/audit', cells: () => adminWrite('GET /v1/admin/audit', 'GET', '/v1/admin/audit?action=user.create', undefined, 200) },
  { route: 'GET /v1/admin/audit.csv', cells: () => adminWrite('GET /v1/admin/audit.csv', 'GET', '/v1/admin/audit.csv?action=user.create', undefined, 200) },
  { route: 'GET /v1/admin/audit.xlsx', cells: () => adminWrite('GET /v1/admin/audit.xlsx', 'GET', '/v1/admin/audit.xlsx?action=user.create', undefined, 200) },
  // Delivery to companies (issue #14): the admin every company's, a company its own (another's 404), other roles 403.
  {
    route: 'GET /v1/delivery/attempts',
    cells: () => listRow('GET /v1/delivery/attempts', 'all', '/v1/delivery/attempts', VISIBLE.deliveries!, itemsBy('alertId')),
  },
  {
    route: 'GET /v1/delivery/deliveries',
    cells: () => [
      ...listRow('GET /v1/delivery/deliveries', 'all', '/v1/delivery/deliveries', VISIBLE.deliveries!, itemsBy('alertId')),
      ...listRow(
        'GET /v1/delivery/deliveries',
        '?companyId=CB',
        '/v1/delivery/deliveries?companyId=CB',
        narrowed(VISIBLE.deliveries!, (id) => id === 'DA-CB'),
        itemsBy('alertId'),
      ),
    ],
  },
  {
    route: 'GET /v1/delivery/companies/:companyId',
    cells: () =>
      byIdRow(
        'GET /v1/delivery/companies/:companyId',
        DELIVERY_COMPANIES,
        VISIBLE.deliveryCompanies!,
        (_, id) => ({ method: 'GET', path: `/v1/delivery/companies/${id}` }),
        () => 200,
      ),
  },
  {
    route: 'POST /v1/delivery/companies/:companyId/routes',
    cells: () =>
      byIdRow(
        'POST /v1/delivery/companies/:companyId/routes',
        DELIVERY_COMPANIES,
        VISIBLE.deliveryCompanies!,
        (_, id) => ({ method: 'POST', path: `/v1/delivery/companies/${id}/routes`, body: { channel: 'sms', target: nextSmsNumber() } }),
        () => 201,
      ),
  },
  {
    route: 'PUT /v1/delivery/companies/:companyId/routes/:routeId',
    cells: () =>
      byIdRow(
        'PUT /v1/delivery/companies/:companyId/routes/:routeId',
        DELIVERY_COMPANIES,
        VISIBLE.deliveryCompanies!,
        (_, id) => ({ method: 'PUT', path: `/v1/delivery/companies/${id}/routes/DR-${id}`, body: { channel: 'sms', target: nextSmsNumber() } }),
        () => 200,
        () => 404,
        (ctx, id) => seedDeliveryRoute(ctx.pool, id),
      ),
  },
  {
    route: 'DELETE /v1/delivery/companies/:companyId/routes/:routeId',
    cells: () =>
      byIdRow(
        'DELETE /v1/delivery/companies/:companyId/routes/:routeId',
        DELIVERY_COMPANIES,
        VISIBLE.deliveryCompanies!,
        (_, id) => ({ method: 'DELETE', path: `/v1/delivery/companies/${id}/routes/DR-${id}` }),
        () => 204,
        () => 404,
        (ctx, id) => seedDeliveryRoute(ctx.pool, id),
      ),
  },
  {
    route: 'POST /v1/delivery/companies/:companyId/secret',
    cells: () =>
      byIdRow(
        'POST /v1/delivery/companies/:companyId/secret',
        DELIVERY_COMPANIES,
        VISIBLE.deliveryCompanies!,
        (_, id) => ({ method: 'POST', path: `/v1/delivery/companies/${id}/secret`, body: {} }),
        () => 201,
      ),
  },
  {
    route: 'POST /v1/me/password',
    cells: () =>
      ROLES.map((role) => ({
        route: 'POST /v1/me/password',
        label: 'wrong current password',
        role,
        expected: 400,
        run: async (ctx) => ({
          status: (
            await send(ctx.url, 'POST', '/v1/me/password', { currentPassword: 'not-the-password', newPassword: 'Depot-Night-Shift-North' }, ctx.tokens[role])
          ).status,
        }),
      })),
  },
  // 考核 (issue #14): scores, ranking and export in scope; the 运政 import for admin and operators (an operator's rows outside its region are refused, not stored); the table and recompute admin only.
  {
    route: 'GET /v1/assessment/scores',
    cells: () =>
      listRow('GET /v1/assessment/scores', 'all', '/v1/assessment/scores', VISIBLE.assessment!, (b) =>
        (b?.items ?? []).map((i: { subjectKind: string; subjectId: string }) => `${i.subjectKind}:${i.subjectId}`),
      ),
  },
  {
    route: 'GET /v1/assessment/ranking',
    cells: () =>
      listRow(
        'GET /v1/assessment/ranking',
        'companies',
        '/v1/assessment/ranking',
        narrowed(VISIBLE.assessment!, (id) => id.startsWith('company:')),
        (b) => [...(b?.ranking ?? []), ...(b?.notAssessed ?? [])].map((r: { companyId: string }) => `company:${r.companyId}`),
      ),
  },
  {
    route: 'GET /v1/assessment/scores.xlsx',
    cells: () =>
      ROLES.map((role) => ({
        route: 'GET /v1/assessment/scores.xlsx',
        label: 'export',
        role,
        expected: VISIBLE.assessment![role] === 403 ? 403 : 200,
        run: async (ctx) => ({
          status: (await fetch(`${ctx.url}/v1/assessment/scores.xlsx`, { headers: { authorization: `Bearer ${ctx.tokens[role]}` } })).status,
        }),
      })),
  },
  {
    route: 'POST /v1/assessment/operating-vehicles',
    cells: () =>
      ROLES.map((role) => ({
        route: 'POST /v1/assessment/operating-vehicles',
        label: 'a Hebei row',
        role,
        expected: role === 'admin' || role === 'op13' ? ['1'] : role === 'op4401' ? ['0'] : 403,
        run: async (ctx) => {
          const response = await fetch(`${ctx.url}/v1/assessment/operating-vehicles?month=${ASSESSED_MONTH}`, {
            method: 'POST',
            headers: { 'content-type': 'text/csv', authorization: `Bearer ${ctx.tokens[role]}` },
            body: '车牌号,车牌颜色,行政区划\n冀A00001,1,130102\n',
          });
          const body = (await response.json().catch(() => null)) as { accepted?: number } | null;
          return response.status === 200 ? { status: 200, ids: [String(body?.accepted)] } : { status: response.status };
        },
      })),
  },
  {
    route: 'GET /v1/admin/assessment/settings',
    cells: () => adminWrite('GET /v1/admin/assessment/settings', 'GET', '/v1/admin/assessment/settings', undefined, 200),
  },
  {
    route: 'PUT /v1/admin/assessment/settings/:regionCode',
    cells: () =>
      adminWrite(
        'PUT /v1/admin/assessment/settings/:regionCode',
        'PUT',
        '/v1/admin/assessment/settings/13',
        { configPatch: { handlingRateListBelowPct: 85 } },
        200,
      ),
  },
  {
    route: 'POST /v1/admin/assessment/recompute',
    cells: () => adminWrite('POST /v1/admin/assessment/recompute', 'POST', '/v1/admin/assessment/recompute', { month: ASSESSED_MONTH }, 202),
  },
  // The shift roster (issue #15): the admin every company's, a company its own vehicles' shifts (another's 404), other roles 403.
  { route: 'GET /v1/roster/shifts', cells: () => listRow('GET /v1/roster/shifts', 'seeded', ROSTER_SEEDED_PATH, VISIBLE.rosterShifts!, itemsBy('shiftId')) },
  {
    route: 'POST /v1/roster/shifts',
    cells: () =>
      byIdRow(
        'POST /v1/roster/shifts',
        VEHICLE_IDS,
        VISIBLE.rosterVehicles!,
        (_, id) => ({ method: 'POST', path: '/v1/roster/shifts', body: nextShift(id) }),
        () => 201,
      ),
  },
  {
    route: 'PUT /v1/roster/shifts/:shiftId',
    cells: () =>
      byIdRow(
        'PUT /v1/roster/shifts/:shiftId',
        VEHICLE_IDS,
        VISIBLE.rosterVehicles!,
        (_, id) => ({ method: 'PUT', path: `/v1/roster/shifts/SHW-${id}`, body: nextShift(id) }),
        () => 200,
        () => 404,
        (ctx, id) => seedShift(ctx.pool, `SHW-${id}`, id, NOW - 50 * DAY_MS),
      ),
  },
  {
    route: 'DELETE /v1/roster/shifts/:shiftId',
    cells: () =>
      byIdRow(
        'DELETE /v1/roster/shifts/:shiftId',
        VEHICLE_IDS,
        VISIBLE.rosterVehicles!,
        (_, id) => ({ method: 'DELETE', path: `/v1/roster/shifts/SHD-${id}` }),
        () => 204,
        () => 404,
        (ctx, id) => seedShift(ctx.pool, `SHD-${id}`, id, NOW - 60 * DAY_MS),
      ),
  },
];

/** Roster rows: one driver per company (`DRV-<company>`), a seeded shift per vehicle (`SH-<vehicle>`) 100 days back, listed alone by ROSTER_SEEDED_PATH. */
const ROSTER_SEEDED_PATH = `/v1/roster/shifts?fromMs=${NOW - 100 * DAY_MS}&toMs=${NOW - 99 * DAY_MS}`;
let shiftHours = 0;
/** A shift of the vehicle's company driver in an hour of its own (the cells never overlap each other). */
const nextShift = (vehicleId: string) => {
  const startsAtMs = NOW + (shiftHours += 1) * 3_600_000;
  return { driverId: `DRV-${companyOfVehicle(vehicleId) ?? 'NONE'}`, vehicleId, startsAtMs, endsAtMs: startsAtMs + 3_600_000 };
};
const seedShift = async (pool: StoragePool, shiftId: string, vehicleId: string, startsAtMs: number): Promise<void> => {
  await pool.query(
    `INSERT INTO driver_shifts (shift_id, company_id, driver_id, vehicle_id, starts_at, ends_at)
     SELECT $1, company_id, 'DRV-' || company_id, vehicle_id, to_timestamp($3::float8 / 1000), to_timestamp($3::float8 / 1000) + interval '1 hour'
     FROM vehicles WHERE vehicle_id = $2 ON CONFLICT DO NOTHING`,
    [shiftId, vehicleId, startsAtMs],
  );
};

/** Delivery rows: every company's (CA–CD), plus an id no company has; each seeded with one delivery and attempt, alert `DA-<company>`. */
const DELIVERY_COMPANIES = [...Object.keys(COMPANIES), 'NONE'];
let smsNumbers = 0;
const nextSmsNumber = (): string => `+86139${String((smsNumbers += 1)).padStart(8, '0')}`;
const seedDeliveryRoute = async (pool: StoragePool, companyId: string): Promise<void> => {
  await pool.query(
    `INSERT INTO delivery_routes (route_id, company_id, channel, target, created_at, created_by, updated_at, updated_by)
     SELECT $1, company_id, 'sms', '+8613000000000', now(), 'seed', now(), 'seed' FROM companies WHERE company_id = $2 ON CONFLICT DO NOTHING`,
    [`DR-${companyId}`, companyId],
  );
};
const seedDelivery = async (pool: StoragePool, companyId: string): Promise<void> => {
  await pool.query(
    `WITH d AS (
       INSERT INTO alert_deliveries (alert_id, revision, company_id, channel, target, rule, severity, payload, created_at, next_attempt_at, attempts)
       VALUES ($1, 0, $2, 'webhook', 'https://93.184.216.34/h', 'speeding', 'major', '{}', now(), now() + interval '1 h', 1) RETURNING *)
     INSERT INTO delivery_attempts (delivery_id, alert_id, revision, company_id, channel, target, attempt_no, at, outcome, http_status, duration_ms)
     SELECT delivery_id, alert_id, revision, company_id, channel, target, 1, now(), 'failed', 500, 5 FROM d`,
    [`DA-${companyId}`, companyId],
  );
};

const seedRelay = async (pool: StoragePool, relayId: string): Promise<void> => {
  await pool.query(
    `INSERT INTO relay_registrations (relay_id, vehicle_id, night_date, relay_point, handing_over_driver, taking_over_driver, registered_by, company_id)
     SELECT $1, v.vehicle_id, $3::date, '服务区', '张三', '李四', 'seed', v.company_id FROM vehicles v WHERE v.vehicle_id = $2
     ON CONFLICT DO NOTHING`,
    [relayId, FACTS.relays[relayId as keyof typeof FACTS.relays], tomorrow],
  );
};

/** Every route the controllers serve, as `METHOD /path/:param` (from Nest's own route metadata). */
const controllerRoutes = (): string[] =>
  API_CONTROLLERS.flatMap((controller) => {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    const proto = controller.prototype as unknown as Record<string, unknown>;
    return Object.getOwnPropertyNames(proto).flatMap((name) => {
      const handler = proto[name];
      if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) return [];
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const path = `/${[base, String(Reflect.getMetadata(PATH_METADATA, handler))].filter((p) => p && p !== '/').join('/')}`.replace(/\/+/g, '/');
      return [`${method} ${path}`];
    });
  });

/** A route with its parameters unnamed (`/v1/cases/:caseId` and the OpenAPI document's `/v1/cases/{caseId}` alike). */
const unnamed = (route: string): string => route.replace(/\{\w+\}|:\w+/g, ':_');

/** The registry resources are one generic `:resource` route per method in the controller; each resource is a row here. */
const servedFormOf = (row: string): string =>
  unnamed(
    row.replace(
      /^(\w+) \/v1\/admin\/(terminals|drivers|speed-zones|wim-stations|source-sites)(\/:id)?$/,
      (_, m: string, _r: string, id?: string) => `${m} /v1/admin/:resource${id ? '/:id' : ''}`,
    ),
  );

describe('scope matrix: every role × every endpoint over real HTTP, socket.io and PostgreSQL', () => {
  const schema = uniqueName('api_matrix').replace(/[^a-z0-9_]/g, '_');
  const bus = new InProcessBus({ logger });
  let pool: StoragePool;
  let api: RunningApi;
  const ctx = { caseOf: {} as Record<string, string> } as Ctx;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    pool = createPool(env.databaseUrl, { schema, max: 4, application: 'api-matrix' });
    await migrate(pool);
    for (const [id, region] of Object.entries(COMPANIES))
      await pool.query(`INSERT INTO companies (company_id, name, region_code) VALUES ($1, $2, $3)`, [id, `公司${id}`, region]);
    for (const [id, v] of Object.entries(FACTS.vehicles)) {
      await pool.query(
        `INSERT INTO vehicles (vehicle_id, plate, plate_colour, vehicle_class, company_id, region_code, route_km) VALUES ($1, $2, $3, $4, $5, $6, 400)`,
        [id, v.plate, v.colour, v.class, v.company, v.ownRegion],
      );
    }
    for (const [id, region] of Object.entries(FACTS.stations))
      await pool.query(`INSERT INTO wim_stations (station_id, name, region_code) VALUES ($1, $2, $3)`, [id, `站${id}`, region]);
    for (const [id, s] of Object.entries(FACTS.sourceSites))
      await pool.query(`INSERT INTO source_sites (source_site_id, name, company_id, region_code) VALUES ($1, $2, $3, $4)`, [
        id,
        `源头${id}`,
        s.company,
        s.region,
      ]);
    const wims = new WimRepository(pool);
    const violations = new OverloadViolationRepository(pool);
    const cases = new CaseRepository(pool);
    for (const w of Object.values(FACTS.weighings)) {
      const v = w.vehicle ? FACTS.vehicles[w.vehicle] : { plate: '粤Z99999', colour: 2, company: 'CC' };
      const violation = violationOf(w.vehicle ?? 'VX', v.plate, v.company, NOW - 3_600_000, w.station, v.colour);
      await wims.insertMany([violation.measurement]);
      if (!w.vehicle) continue;
      await violations.insert(violation);
      for (const event of openingEvents(violation, NOW - 3_000_000)) await cases.apply(event);
      ctx.caseOf[w.vehicle] = `case:${violation.violationId}`;
    }
    for (const [alertId, vehicleId] of Object.entries(FACTS.alerts)) {
      const copy = alertCopyOf(vehicleId);
      await insertAlert(pool, {
        v: 1,
        alertId,
        revision: 0,
        vehicleId,
        companyId: copy.companyId,
        rule: 'speeding',
        level: 'violation',
        severity: 'major',
        startedAtMs: NOW - 600_000,
        raisedAtMs: NOW - 599_000,
        summary: `${vehicleId} 超速`,
        details: {},
        evidence: {},
      } as AlertV1);
      await pool.query(`UPDATE alerts SET region_code = $2 WHERE alert_id = $1`, [alertId, copy.regionCode]);
    }
    for (const relayId of Object.keys(FACTS.relays)) await seedRelay(pool, relayId);
    for (const vehicleId of VEHICLE_IDS) await seedKeySupervisionEntry(pool, vehicleId);
    for (const id of Object.keys(TARGETING_REGIONS)) await seedTargeting(pool, id);
    for (const id of Object.keys(APPROVED_ROUTES)) await seedApprovedRoute(pool, id);
    for (const vehicleId of VEHICLE_IDS) await seedRouteEpisode(pool, vehicleId);
    await seedPermitsAndBans(pool);
    for (const vehicleId of [...VEHICLE_IDS, 'TERM-UNBOUND']) {
      await pool.query(
        `INSERT INTO terminal_area_alarms (vehicle_id, device_time, kind, terminal_id, registered, received_at, alarm_flags, latitude_deg, longitude_deg, speed_kmh)
         VALUES ($1, to_timestamp($2 / 1000.0), 'route_in_out', $1, $3, to_timestamp($2 / 1000.0), 2097152, 39.9, 116.4, 40)`,
        [vehicleId, NOW, vehicleId !== 'TERM-UNBOUND'],
      );
    }
    await seedTampering(pool);
    for (const [inspectionId, companyId] of Object.entries(FACTS.inspections)) {
      await pool.query(
        `INSERT INTO inspections (inspection_id, question, sent_by, sent_at, window_seconds, addressing) VALUES ($1, '值班?', 'seed', to_timestamp($2 / 1000.0), 600, 'companies')`,
        [inspectionId, NOW],
      );
      await pool.query(
        `INSERT INTO inspection_recipients (inspection_id, company_id, region_code, sent_at, window_ends_at)
         SELECT $1, c.company_id, c.region_code, to_timestamp($3 / 1000.0), to_timestamp($3 / 1000.0) + interval '10 minutes' FROM companies c WHERE c.company_id = $2`,
        [inspectionId, companyId, NOW],
      );
    }
    for (const companyId of Object.keys(COMPANIES)) await seedDelivery(pool, companyId);
    for (const companyId of Object.keys(COMPANIES))
      await pool.query(`INSERT INTO drivers (driver_id, name, company_id) VALUES ($1, $2, $3)`, [`DRV-${companyId}`, `司机${companyId}`, companyId]);
    for (const vehicleId of VEHICLE_IDS) await seedShift(pool, `SH-${vehicleId}`, vehicleId, NOW - 100 * DAY_MS + 60_000);
    // 考核 scores of the last month, as the scores job leaves them (a company's region copied as computed; the owner is the company's now).
    const assessed = monthPeriod(ASSESSED_MONTH);
    for (const [kind, id, region] of [
      ...Object.entries(COMPANIES).map(([id, region]) => ['company', id, region]),
      ['platform', '130102', '130102'],
      ['platform', '440106', '440106'],
    ])
      await pool.query(
        `INSERT INTO assessment_scores (subject_kind, subject_id, region_code, period_kind, period_start, period_end, assessed, total_score)
         VALUES ($1, $2, $3, 'month', to_timestamp($4 / 1000.0), to_timestamp($5 / 1000.0), true, 90)`,
        [kind, id, region, assessed.startMs, assessed.endMs],
      );
    // One handling item per vehicle, as supervision addresses it (the alert's copy beside the registry), overdue and escalated.
    const handling = new HandlingRepository(pool);
    for (const vehicleId of VEHICLE_IDS)
      await handling.intake({
        alertId: `H-${vehicleId}`,
        revision: 0,
        vehicleId,
        ...alertCopyOf(vehicleId),
        rule: 'fatigue_continuous',
        level: 'violation',
        alertSeverity: 'serious',
        summary: `${vehicleId} 疲劳驾驶`,
        startedAtMs: NOW - 3_600_000,
        withdrawn: false,
        handlingSeverity: 'severe',
        due: true,
        notifiedAtMs: NOW - 3_600_000,
        deadlineAtMs: NOW - 1_800_000,
      });
    await inTransaction(pool, (tx) => handling.escalateOverdue(tx, NOW));
    for (const [targetingId, regionCode] of TARGETING_ALERTS)
      await new TargetingRepository(pool).record({
        targetingId,
        kind: 'entrance_refusal',
        plate: '冀A1',
        plateColour: 2,
        occurredAtMs: NOW,
        regionCode,
        priority: 'normal',
        evidence: {},
      });
    await bus.ensureTopics([
      { topic: TOPICS.positions, partitions: 2 },
      { topic: TOPICS.alerts, partitions: 2 },
      { topic: TOPICS.caseEvents, partitions: 2 },
    ]);
    api = await startApi({
      bus,
      pool,
      jwtSecret: JWT_SECRET,
      port: 0,
      logger,
      metrics: new ServiceMetrics('api-matrix', { defaultMetrics: false }),
      seedUsers: Object.values(USERS),
      tickMs: 100,
      liveGroupPrefix: schema,
    });
    ctx.url = api.url;
    ctx.pool = pool;
    ctx.tokens = {} as Record<Role, string>;
    for (const role of ROLES) ctx.tokens[role] = await login(api.url, USERS[role].username, USERS[role].password);
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await api?.close();
    await bus.close();
    if (pool) await dropSchema(pool, schema);
  });

  it('has a row for every route the controllers serve and every operation of the OpenAPI document', async () => {
    const served = controllerRoutes();
    const documented = Object.entries((await send(ctx.url, 'GET', '/openapi.json')).body.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const rowsAsServed = new Set(ROUTES.map((r) => servedFormOf(r.route)));
    const rowsAsDocumented = new Set(ROUTES.map((r) => unnamed(r.route)));
    const missing = [
      ...served.filter((r) => !rowsAsServed.has(unnamed(r))).map((r) => `served, no row: ${r}`),
      ...documented.filter((r) => !rowsAsDocumented.has(unnamed(r))).map((r) => `documented, no row: ${r}`),
    ];
    expect(missing).toEqual([]);
    expect(served.length).toBeGreaterThan(20);
  });

  it('answers every cell as the table declares (reads, the live feed, writes)', async () => {
    const differing: string[] = [];
    const check = (cell: Pick<Cell, 'route' | 'label' | 'role' | 'expected'>, got: { status: number; ids?: string[] | undefined }): void => {
      const want = typeof cell.expected === 'number' ? `${cell.expected}` : `200 ${JSON.stringify(cell.expected)}`;
      const have = typeof cell.expected === 'number' ? `${got.status}` : `${got.status}${got.ids ? ` ${JSON.stringify(got.ids)}` : ''}`;
      if (want !== have) differing.push(`${cell.route} [${cell.label}] as ${cell.role}: expected ${want}, got ${have}`);
    };
    for (const row of ROUTES) {
      if (row.route === 'SOCKET /live') {
        await liveCells(ctx, sockets, bus, check);
        continue;
      }
      for (const cell of row.cells()) check(cell, await cell.run(ctx));
    }
    expect(differing).toEqual([]);
  });
});

/** Each role subscribes to the whole map with alerts (a viewport of the whole world); the bus carries a position and an alert of every vehicle. */
async function liveCells(
  ctx: Ctx,
  sockets: Socket[],
  bus: InProcessBus,
  check: (cell: Pick<Cell, 'route' | 'label' | 'role' | 'expected'>, got: { status: number; ids?: string[] }) => void,
): Promise<void> {
  const received = new Map<Role, { positions: Set<string>; alerts: Set<string> }>();
  for (const role of ROLES) {
    const connected = await connectLive(ctx.url, ctx.tokens[role]).then(
      (socket) => socket,
      () => undefined,
    );
    // A refused handshake stands for 403.
    check({ route: 'SOCKET /live', label: 'handshake', role, expected: VISIBLE.livePositions![role] === 403 ? 403 : 200 }, { status: connected ? 200 : 403 });
    if (!connected) continue;
    sockets.push(connected);
    const r = { positions: new Set<string>(), alerts: new Set<string>() };
    connected.on(LIVE_EVENTS.positions, (b: PositionsBatch) => b.positions.forEach((p) => r.positions.add(p.vehicleId)));
    connected.on(LIVE_EVENTS.alert, (a: AlertItem) => r.alerts.add(a.alertId));
    const ack = await new Promise<LiveSubscribeAck>((resolve) =>
      connected.emit(LIVE_EVENTS.subscribe, { viewport: { west: -180, south: -90, east: 180, north: 90 }, alerts: true }, resolve),
    );
    if (!ack.ok) check({ route: 'SOCKET /live', label: 'subscribe', role, expected: 200 }, { status: 400 });
    received.set(role, r);
  }
  const t = Date.now();
  const where = { ...Object.fromEntries(VEHICLE_IDS.map((id) => [id, FACTS.vehicles[id]])), VX: { lat: 23.2, lon: 113.4 } } as Record<
    string,
    { lat: number; lon: number }
  >;
  await bus.publish(
    TOPICS.positions,
    Object.entries(where).map(([id, w]) => ({
      key: id,
      value: aPosition({
        vehicleId: id,
        deviceTimeMs: t,
        receivedAtMs: t + 200,
        latitudeDeg: w.lat,
        longitudeDeg: w.lon,
        altitudeM: 10,
        plate: undefined,
        plateColour: undefined,
      }),
    })),
  );
  for (const id of Object.keys(where)) {
    const copy = alertCopyOf(id);
    const alert = {
      v: 1,
      alertId: `LA-${id}`,
      revision: 0,
      vehicleId: id,
      ...copy,
      rule: 'speeding',
      level: 'violation',
      severity: 'major',
      startedAtMs: t,
      raisedAtMs: t,
      summary: `${id} 超速`,
      details: {},
      evidence: {},
    } as AlertV1;
    await bus.publish(TOPICS.alerts, [{ key: id, value: alert }]);
  }
  const expectedOf = (role: Role, kind: 'livePositions' | 'liveAlerts'): readonly string[] =>
    VISIBLE[kind]![role] === 403 ? [] : (VISIBLE[kind]![role] as string[]);
  // Until every socket has what it should (or the wait runs out and the cell says what is missing); then two more ticks for anything extra.
  await vi
    .waitUntil(
      () =>
        [...received].every(
          ([role, r]) => expectedOf(role, 'livePositions').every((id) => r.positions.has(id)) && expectedOf(role, 'liveAlerts').every((id) => r.alerts.has(id)),
        ),
      { timeout: 10_000, interval: 25 },
    )
    .catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (const [role, r] of received) {
    check(
      { route: 'SOCKET /live', label: 'positions', role, expected: [...expectedOf(role, 'livePositions')].sort() },
      { status: 200, ids: [...r.positions].sort() },
    );
    check({ route: 'SOCKET /live', label: 'alerts', role, expected: [...expectedOf(role, 'liveAlerts')].sort() }, { status: 200, ids: [...r.alerts].sort() });
  }
}
