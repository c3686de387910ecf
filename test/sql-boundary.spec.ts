import { globSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// libs/storage owns every SQL statement and the keys of the stores (ARCHITECTURE.md: "SQL
// lives in libs/storage"). This test parses the code that runs outside it — services, the
// operator scripts, the load generators, the web app — and fails on SQL text there, or on a
// string passed to a `.query(` call whatever it says.
const repoRoot = join(import.meta.dirname, '..');

/** Code that may not hold SQL. Tests are not in it: they seed and inspect the database directly. */
const SCANNED = ['services/*/src/**/*.ts', 'scripts/**/*.ts', 'loadtests/**/*.ts', 'web/src/**/*.ts'];
const notScanned = (path: string): boolean => path.endsWith('.spec.ts') || path.includes('node_modules/');

/** Deliberate exceptions, each with why. */
const EXCEPTIONS: Readonly<Record<string, string>> = {};

/** Statements as this code base writes them (upper-case keywords), so English prose does not match. */
const SQL_STATEMENT =
  /\b(SELECT\s[\s\S]*\bFROM\b|SELECT\s+1\b|INSERT\s+INTO\b|UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b|CREATE\s+(TABLE|INDEX|SCHEMA|EXTENSION|TRIGGER|(OR\s+REPLACE\s+)?FUNCTION)\b|ALTER\s+TABLE\b|DROP\s+(TABLE|SCHEMA|TRIGGER|INDEX)\b|TRUNCATE\s+\w|pg_advisory_\w*lock)/;

/** The latest-position hashes' hash tag: `latestPositionKeys` of libs/storage is the one place that names it. */
const LATEST_KEY = /\{latest\}/;

interface Finding {
  line: number;
  why: string;
  text: string;
}

const isText = (node: ts.Node): node is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | ts.TemplateExpression =>
  ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node);

/** SQL in one file's source text: string and template literals (comments are not code), and literals handed to `.query(`. */
export const sqlIn = (fileName: string, source: string): Finding[] => {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const findings: Finding[] = [];
  const report = (node: ts.Node, why: string): void => {
    findings.push({ line: file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1, why, text: node.getText(file).slice(0, 80) });
  };
  const visit = (node: ts.Node): void => {
    if (isText(node)) {
      const text = node.getText(file);
      if (SQL_STATEMENT.test(text)) report(node, 'SQL text');
      if (LATEST_KEY.test(text)) report(node, 'the latest-position key');
    } else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'query') {
      const first = node.arguments[0];
      if (first && isText(first) && !SQL_STATEMENT.test(first.getText(file))) report(first, 'a string passed to .query(');
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return findings;
};

describe('SQL and store keys live in libs/storage', () => {
  it('finds SQL in literals and in .query( calls, and leaves prose and comments alone', () => {
    const planted = [
      'const a = `SELECT v.plate\n  FROM vehicles v WHERE v.vehicle_id = $1`;',
      "pool.query('select 1');",
      'db.query(`delete from users where username = ${"$1"}`);',
      'db.query(`${BASE} WHERE x = 1 ORDER BY id`);',
      "const c = 'INSERT INTO audit_log (actor) VALUES ($1)';",
      'const d = `UPDATE users SET disabled = true`;',
      "const e = 'CREATE TABLE IF NOT EXISTS users (username text)';",
      'const f = `${prefix}{latest}:position`;',
    ].join('\n');
    const found = sqlIn('planted.ts', planted);
    expect(found.map((f) => f.line)).toEqual([1, 3, 4, 5, 6, 7, 8, 9]);
    expect(found.find((f) => f.line === 3)?.why).toBe('a string passed to .query(');
    expect(found.find((f) => f.line === 9)?.why).toBe('the latest-position key');

    const innocent = [
      '// SELECT * FROM users: a comment is not code',
      "const label = 'Select the vehicles from the list';",
      "const zh = '选择车辆 SELECT';",
      'request.query;',
      "const update = 'update the user set';",
    ].join('\n');
    expect(sqlIn('innocent.ts', innocent)).toEqual([]);
  });

  it('no SQL and no latest-position key outside libs/storage, but for the listed exceptions', () => {
    const files = SCANNED.flatMap((pattern) => globSync(pattern, { cwd: repoRoot }))
      .filter((path) => !notScanned(path))
      .sort();
    expect(files.length).toBeGreaterThan(50);
    const offences: string[] = [];
    for (const path of files) {
      if (EXCEPTIONS[path] !== undefined) continue;
      for (const f of sqlIn(path, readFileSync(join(repoRoot, path), 'utf8'))) offences.push(`${path}:${f.line} ${f.why}: ${f.text}`);
    }
    expect(offences).toEqual([]);
  });

  it('every exception is still a file that holds SQL (a stale one is removed from the list)', () => {
    for (const path of Object.keys(EXCEPTIONS)) {
      const findings = sqlIn(path, readFileSync(join(repoRoot, path), 'utf8'));
      expect(findings.length, `${relative(repoRoot, join(repoRoot, path))} has no SQL left: take it off EXCEPTIONS`).toBeGreaterThan(0);
    }
  });
});
