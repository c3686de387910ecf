import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * One writer per table (issue #12): every statement that writes a table (INSERT, UPDATE,
 * DELETE, TRUNCATE) is found in the sources; a write inside libs/storage belongs to the
 * modules that use the exported repository or function holding it, a write elsewhere to the
 * module it is in. Each table must be written by the one module OWNERS names.
 */
const ROOT = join(import.meta.dirname, '..');

const OWNERS: Record<string, string> = {
  // The 一超四罚 lifecycle: the violation is stored with its case, in one transaction.
  overload_violations: 'libs/case-lifecycle',
  cases: 'libs/case-lifecycle',
  case_events: 'libs/case-lifecycle',
  case_parties: 'libs/case-lifecycle',
  case_penalties: 'libs/case-lifecycle',
  // The registry: written through its use cases (admin REST, relays, the demo seed), audited and announced on registry.changes.
  companies: 'services/api',
  vehicles: 'services/api',
  drivers: 'services/api',
  road_speed_zones: 'services/api',
  wim_stations: 'services/api',
  source_sites: 'services/api',
  // Issue #15: the admin's list of site kinds (seeded by migration 0021).
  source_site_kinds: 'services/api',
  relay_registrations: 'services/api',
  users: 'services/api',
  audit_log: 'services/api',
  alert_acks: 'services/api',
  // 查岗 (RULES §9): the API's send and answer use cases.
  inspections: 'services/api',
  // What the platform observed: the archiver stores it.
  positions: 'services/archiver',
  alerts: 'services/archiver',
  alert_revisions: 'services/archiver',
  wim_measurements: 'services/archiver',
  vehicle_quality_daily: 'services/archiver',
  // Delivery to companies (issue #14): the routing and secrets are the API's use cases; the deliveries and attempts supervision's delivery part.
  delivery_routes: 'services/api',
  delivery_secrets: 'services/api',
  alert_deliveries: 'services/supervision',
  delivery_attempts: 'services/supervision',
  // 考核 (issue #14): the scores job computes the scores; the API imports the 运政 list and sets a region's table.
  assessment_scores: 'services/supervision',
  operating_vehicles: 'services/api',
  assessment_settings: 'services/api',
  assessment_recompute_requests: 'services/api',
  // Issue #15: exit and entrance weighings (services/enforcement's site-weighings part).
  unweighed_exit_checks: 'services/enforcement',
  // Issue #16: 大件 permit checks and area-ban episodes (services/enforcement's permit parts).
  permit_episodes: 'services/enforcement',
  area_ban_episodes: 'services/enforcement',
  // Issue #16: area bans are administered through the API's use cases (audited).
  area_bans: 'services/api',
  entrance_refusals_pending: 'services/enforcement',
  // Issue #15, the driver: the archiver stores the 0x0702 card reports; the roster is the API's use cases.
  driver_card_events: 'services/archiver',
  driver_shifts: 'services/api',
  // Issue #16: the archiver stores the off-route episodes and 班线 stop findings with their alerts.
  route_episodes: 'services/archiver',
  // Issue #16: approved routes, their vehicles and detours — the API's audited use cases.
  approved_routes: 'services/api',
  route_vehicles: 'services/api',
  route_detours: 'services/api',
  // Issue #17, JT/T 809: the API administers the lower platforms; the gateway keeps the alarms they forward.
  lower_platforms: 'services/api',
  lower_platform_alarms: 'services/gateway-jt809',
  // Issue #16 item 6: the API's send use case and its command-result follower record sends to terminals; the archiver stores the terminals' own area/route alarms.
  terminal_geofences: 'services/api',
  terminal_downlinks: 'services/api',
  terminal_area_alarms: 'services/archiver',
  // Signal tampering (RULES §12, §15): the registry's blind areas are the API's use cases; the enforcement job stores episodes and its watermark.
  blind_areas: 'services/api',
  tampering_episodes: 'services/enforcement',
  tampering_job_state: 'services/enforcement',
};

/**
 * Tables written by more than one module, each with why; the writers must be exactly these
 * (a new writer fails the test until it is argued for here).
 */
const SHARED: Record<string, { writers: string[]; why: string }> = {
  targeting_alerts: {
    writers: ['services/api', 'services/enforcement'],
    why: "enforcement's analyses write a lead and its evidence (issue #15); the API's decide use case writes the officer's decision (status, note) — disjoint facts of one row, the decision never undone by a re-analysis",
  },
  terminals: {
    writers: ['services/api', 'services/gateway-jt808'],
    why: 'the admin binds a terminal to a vehicle; the gateway records what the terminal itself says (0x0100 registration, auth code, 0x0102 last auth, 0x0003 logout) — disjoint facts of one row',
  },
  outbox: {
    writers: ['libs/case-lifecycle', 'services/api', 'services/cases'],
    why: "each aggregate appends its own events in its own transaction (cases.events, registry.changes); the relay marks them sent — the transactional outbox's pattern",
  },
  alert_handling: {
    writers: ['services/api', 'services/supervision'],
    why: "supervision's handling part puts each alert on its company's list and escalates overdue items; the API's handling use cases record the company's and the operators' steps (view, handle, appeal, decide) — one workflow, each step in its own transaction with its event",
  },
  alert_handling_events: {
    writers: ['services/api', 'services/supervision'],
    why: 'the append-only log of the same steps, written in the transaction of the step it records',
  },
  key_supervision_entries: {
    writers: ['services/api', 'services/supervision'],
    why: "the 重点监管 job opens, extends and closes listings (RULES §10); an officer's release (the API's use case, audited) closes one — one open entry per subject, the release a state the job honours",
  },
  source_traces: {
    writers: ['libs/case-lifecycle', 'services/enforcement'],
    why: "one trace per trigger (RULES.md §13): a confirmed violation's is written at its case opening and decided by the officer through the case lifecycle (it names the case's source unit); an entrance refusal's or an over-limit exit record's by services/enforcement's site-weighings part — disjoint rows by trigger_kind",
  },
  // Issue #17, JT/T 809 lower platforms.
  inspection_recipients: {
    writers: ['services/api', 'services/gateway-jt809'],
    why: "the API's 查岗 send writes a company's row and a company user's answer answers it; a lower platform's 0x1301 answer (the gateway) answers its company's row the same way, first answer only — so 查岗响应率 counts answers given over JT/T 809",
  },
  lower_platform_vehicles: {
    writers: ['services/api', 'services/gateway-jt809'],
    why: 'the gateway adds the vehicles a lower platform tells of (0x1201, 0x1600, positions) as pending; an officer’s review (the API) sets their review status — disjoint facts of one row',
  },
  lower_platform_requests: {
    writers: ['services/api', 'services/gateway-jt809'],
    why: "the API queues 查岗 and 督办 for a lower platform; the gateway holding its link marks them sent and records the platform's answer (0x1301, 0x1401)",
  },
  schema_migrations: { writers: [], why: 'the migrator (libs/storage migrate), which every service runs at start' },
  storage_meta: { writers: [], why: 'the migrator (libs/storage migrate), which every service runs at start' },
};

const sourcesUnder = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && !e.name.endsWith('.bench.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)))
    .filter((path) => !path.includes('/testing/') && !path.includes('/node_modules/'));

const moduleOf = (path: string): string => path.split('/').slice(0, 2).join('/');

const modules = (kind: 'libs' | 'services'): string[] =>
  readdirSync(join(ROOT, kind), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => `${kind}/${e.name}`);

/** Every table the migrations (and the API's own schema) create. */
const tables = (): Set<string> => {
  const found = new Set<string>();
  const sql = readdirSync(join(ROOT, 'libs/storage/migrations')).map((f) => readFileSync(join(ROOT, 'libs/storage/migrations', f), 'utf8'));
  const ts = [...modules('libs'), ...modules('services')].flatMap((m) => sourcesUnder(`${m}/src`)).map((f) => readFileSync(join(ROOT, f), 'utf8'));
  for (const text of [...sql, ...ts])
    for (const m of text.matchAll(/CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"?([a-z_][a-z0-9_]*)"?/gi)) found.add(m[1]!.toLowerCase());
  return found;
};

const WRITE = /\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+(?:ONLY\s+)?"?([a-z_][a-z0-9_]*)"?/gi;

/** The tables a text writes. */
export const writtenTables = (text: string, known: ReadonlySet<string>): string[] =>
  [...text.matchAll(WRITE)].map((m) => m[1]!.toLowerCase()).filter((t) => known.has(t));

interface Declaration {
  name: string;
  at: number;
  end: number;
  exported: boolean;
  /** Within a class: its methods (a private one stands for the methods that call it). */
  methods: { name: string; at: number; end: number; private: boolean }[];
}

/** The top-level declarations of a file, with their extent (up to the next one). */
const declarationsOf = (text: string): Declaration[] => {
  const found = [...text.matchAll(/^(export\s+)?(?:default\s+)?(?:abstract\s+)?(class|const|let|(?:async\s+)?function)\s+(\w+)/gm)];
  return found.map((m, i) => {
    const at = m.index;
    const end = found[i + 1]?.index ?? text.length;
    const body = text.slice(at, end);
    const heads = m[2] === 'class' ? [...body.matchAll(/^ {2}((?:(?:private|protected|public|static|async|readonly)\s+)*)(\w+)\s*(?:<[^>]*>)?\(/gm)] : [];
    const methods = heads.map((h, j) => ({
      name: h[2]!,
      at: at + h.index,
      end: at + (heads[j + 1]?.index ?? body.length),
      private: /private|protected/.test(h[1] ?? ''),
    }));
    return { name: m[3]!, at, end, exported: m[1] !== undefined, methods };
  });
};

/**
 * What a consumer must use for a write at `index` of a storage file: `Class.method`, an
 * exported function or constant; a non-exported helper or a private method stands for what
 * calls it (one level).
 */
const entryPointsOf = (text: string, declarations: Declaration[], index: number): { symbol: string; method?: string }[] => {
  const owner = declarations.find((d) => d.at <= index && index < d.end);
  if (!owner) return [];
  const inMethod = (name: string): { symbol: string; method: string }[] => {
    const method = owner.methods.find((m) => m.name === name);
    const callers = owner.methods.filter((m) => !m.private && m.name !== name && text.slice(m.at, m.end).includes(`this.${name}(`));
    return [...(method && !method.private ? [method] : []), ...callers].map((m) => ({ symbol: owner.name, method: m.name }));
  };
  const method = owner.methods.find((m) => m.at <= index && index < m.end);
  if (method) return inMethod(method.name);
  if (owner.exported) return [{ symbol: owner.name }];
  return declarations
    .filter((d) => d.exported && new RegExp(`\\b${owner.name}\\b`).test(text.slice(d.at, d.end)))
    .flatMap((d) => {
      const users = d.methods.filter((m) => new RegExp(`\\b${owner.name}\\b`).test(text.slice(m.at, m.end)));
      if (users.length === 0) return [{ symbol: d.name }];
      return users.flatMap((m) => [
        ...(m.private ? [] : [{ symbol: d.name, method: m.name }]),
        ...d.methods
          .filter((c) => !c.private && c.name !== m.name && text.slice(c.at, c.end).includes(`this.${m.name}(`))
          .map((c) => ({ symbol: d.name, method: c.name })),
      ]);
    });
};

/** table → the modules that write it. */
const writers = (): Map<string, Set<string>> => {
  const known = tables();
  const out = new Map<string, Set<string>>();
  const add = (table: string, module: string) => out.set(table, (out.get(table) ?? new Set()).add(module));
  const consumers = [...modules('libs'), ...modules('services')]
    .filter((m) => m !== 'libs/storage' && m !== 'libs/testing')
    .flatMap((m) => sourcesUnder(`${m}/src`));
  const texts = new Map(consumers.map((f) => [f, readFileSync(join(ROOT, f), 'utf8')]));
  for (const [file, text] of texts) for (const table of writtenTables(text, known)) add(table, moduleOf(file));
  // A module builds a repository in one file and calls it in another: matched per module.
  const byModule = new Map<string, string>();
  for (const [file, text] of texts)
    if (text.includes('@roadwatch/storage') || byModule.has(moduleOf(file))) byModule.set(moduleOf(file), `${byModule.get(moduleOf(file)) ?? ''}\n${text}`);
  for (const [file, text] of texts)
    if (!text.includes('@roadwatch/storage') && byModule.has(moduleOf(file))) byModule.set(moduleOf(file), `${byModule.get(moduleOf(file))}\n${text}`);
  for (const file of sourcesUnder('libs/storage/src')) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const declarations = declarationsOf(text);
    for (const m of text.matchAll(WRITE)) {
      const table = m[1]!.toLowerCase();
      if (!known.has(table)) continue;
      for (const entry of entryPointsOf(text, declarations, m.index)) {
        for (const [module, source] of byModule) {
          if (!new RegExp(`\\b${entry.symbol}\\b`).test(source)) continue;
          if (entry.method && !new RegExp(`\\.${entry.method}\\(`).test(source)) continue;
          add(table, module);
        }
      }
    }
  }
  return out;
};

describe('one writer per table', () => {
  it('finds the writes of a statement and nothing in an upsert clause', () => {
    const known = new Set(['cases', 'case_events', 'outbox']);
    expect(writtenTables(`INSERT INTO case_events (a) VALUES ($1) ON CONFLICT (a) DO UPDATE SET a = EXCLUDED.a`, known)).toEqual(['case_events']);
    expect(writtenTables(`update "cases" set status = 'closed'`, known)).toEqual(['cases']);
    expect(writtenTables(`DELETE FROM outbox WHERE sent_at < now()`, known)).toEqual(['outbox']);
    expect(writtenTables(`SELECT * FROM cases`, known)).toEqual([]);
  });

  it('each owned table is written by its owner alone', () => {
    const found = writers();
    for (const [table, owner] of Object.entries(OWNERS)) expect({ table, writers: [...(found.get(table) ?? [])].sort() }).toEqual({ table, writers: [owner] });
  });

  it('a table written by several modules is written by exactly the ones argued for', () => {
    const found = writers();
    for (const [table, shared] of Object.entries(SHARED))
      if (shared.writers.length > 0) expect({ table, writers: [...(found.get(table) ?? [])].sort() }).toEqual({ table, writers: shared.writers });
  });

  it('every table the platform writes has an owner or an argued sharing', () => {
    const unowned = [...writers().keys()].filter((table) => !(table in OWNERS) && !(table in SHARED));
    expect(unowned).toEqual([]);
  });
});
