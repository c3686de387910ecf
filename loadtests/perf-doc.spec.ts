import { globSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandLine, PERFORMANCE_DOC, PerfDocError, provenanceLine, recordFigures, recordOutput, replaceBenchSection } from './perf-doc';

const ROOT = join(import.meta.dirname, '..');

const DOC = [
  '# performance',
  '',
  'Intro — 中文 text, a tab\there, CRLF next:\r',
  '<!-- bench:rules begin -->',
  'old rules figures',
  '<!-- bench:rules end -->',
  '',
  '<!-- bench:chain begin -->',
  '| old | table |',
  '<!-- bench:chain end -->',
  'trailing text without a newline',
].join('\n');

describe('replaceBenchSection', () => {
  it("replaces only the bench's section and leaves every other byte as it was", () => {
    const out = replaceBenchSection(DOC, 'chain', '| new | table |\n| 1 | 2 |');
    expect(out).toBe(DOC.replace('| old | table |', '| new | table |\n| 1 | 2 |'));
    expect(out).toContain('old rules figures');
    expect(out.endsWith('trailing text without a newline')).toBe(true);
  });

  it('is idempotent: recording the same figures twice gives the same document', () => {
    const once = replaceBenchSection(DOC, 'rules', '\n\nnew figures\n\n');
    expect(replaceBenchSection(once, 'rules', 'new figures')).toBe(once);
    expect(once).toContain('<!-- bench:rules begin -->\nnew figures\n<!-- bench:rules end -->');
  });

  it('keeps text that looks like a replacement pattern literally ($&, $1)', () => {
    expect(replaceBenchSection(DOC, 'rules', 'costs $& and $1 yuan')).toContain('\ncosts $& and $1 yuan\n');
  });

  it('refuses a bench without markers, naming the missing marker, and writes nothing', () => {
    expect(() => replaceBenchSection(DOC, 'detector', 'x')).toThrow(PerfDocError);
    expect(() => replaceBenchSection(DOC, 'detector', 'x')).toThrow('<!-- bench:detector begin -->');
    const onlyBegin = DOC.replace('<!-- bench:chain end -->', '');
    expect(() => replaceBenchSection(onlyBegin, 'chain', 'x')).toThrow('<!-- bench:chain end -->');
  });

  it('refuses doubled or swapped markers, figures holding a marker, and names that are not plain', () => {
    expect(() => replaceBenchSection(`${DOC}\n<!-- bench:chain begin -->`, 'chain', 'x')).toThrow(/more than once/);
    const swapped = DOC.replace('<!-- bench:rules begin -->', '@@')
      .replace('<!-- bench:rules end -->', '<!-- bench:rules begin -->')
      .replace('@@', '<!-- bench:rules end -->');
    expect(() => replaceBenchSection(swapped, 'rules', 'x')).toThrow(/before its begin/);
    expect(() => replaceBenchSection(DOC, 'chain', 'x <!-- bench:rules end --> y')).toThrow(/contain a bench marker/);
    expect(() => replaceBenchSection(DOC, 'Chain Bench', 'x')).toThrow(/lower-case/);
    expect(() => replaceBenchSection(DOC, 'chain -->', 'x')).toThrow(/lower-case/);
  });
});

describe('recordFigures', () => {
  const docIn = (text: string) => {
    const path = join(mkdtempSync(join(tmpdir(), 'perf-doc-')), 'performance.md');
    writeFileSync(path, text);
    return path;
  };

  it('writes nothing without --record', () => {
    const path = docIn(DOC);
    expect(recordFigures('chain', 'new', { argv: ['node', 'loadtests/chain/chain.bench.ts', '--rate', '5000'], docPath: path })).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe(DOC);
  });

  it('with --record writes the figures under a stamp naming the date, commit, load and command', () => {
    const path = docIn(DOC);
    expect(recordFigures('chain', '| 5,000 | ok |', { argv: ['node', 'loadtests/chain/chain.bench.ts', '--rate', '5000', '--record'], docPath: path })).toBe(
      true,
    );
    const section = readFileSync(path, 'utf8').split('<!-- bench:chain begin -->\n')[1]!.split('\n<!-- bench:chain end -->')[0]!;
    expect(section).toMatch(/^_Recorded \d{4}-\d\d-\d\d \d\d:\d\d UTC at `[^`]+`, machine load [\d.]+ \/ [\d.]+ \/ [\d.]+ \(1 \/ 5 \/ 15 min\) on \d+ cores/);
    expect(section).toContain('`npx tsx loadtests/chain/chain.bench.ts --rate 5000 --record`');
    expect(section.endsWith('| 5,000 | ok |')).toBe(true);
    expect(readFileSync(path, 'utf8')).toContain('old rules figures');
  });

  it('with --record and no markers for the bench: a clear error and the document untouched', () => {
    const path = docIn(DOC);
    expect(() => recordFigures('socket-fanout', 'x', { argv: ['node', 'b.ts', '--record'], docPath: path })).toThrow('<!-- bench:socket-fanout begin -->');
    expect(readFileSync(path, 'utf8')).toBe(DOC);
  });
});

describe('provenance', () => {
  it('formats the stamp from its facts', () => {
    expect(provenanceLine({ atIso: '2026-12-06T07:05:09.123Z', commit: 'abc1234+changes', load: [12.345, 8, 3.04], cores: 2, command: 'npx tsx x.ts' })).toBe(
      '_Recorded 2026-12-06 07:05 UTC at `abc1234+changes`, machine load 12.3 / 8.0 / 3.0 (1 / 5 / 15 min) on 2 cores, by `npx tsx x.ts`._',
    );
  });

  it('gives the command relative to the working directory', () => {
    expect(commandLine(['/usr/bin/node', join(process.cwd(), 'loadtests/rules.bench.ts'), '--record'])).toBe('npx tsx loadtests/rules.bench.ts --record');
  });
});

describe('recordOutput', () => {
  it('with --record refuses at once when the doc has no markers for the bench (before a long run)', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'perf-doc-')), 'performance.md');
    writeFileSync(path, DOC);
    expect(() => recordOutput('road-index', { argv: ['node', 'b.ts', '--record'], docPath: path })).toThrow('<!-- bench:road-index begin -->');
  });

  it('without --record leaves console.log alone', () => {
    const before = console.log;
    recordOutput('road-index', { argv: ['node', 'b.ts'], docPath: '/nonexistent/performance.md' });
    expect(console.log).toBe(before);
  });
});

describe('docs/performance.md and the benches', () => {
  const benches = [...globSync('loadtests/**/*.bench.ts', { cwd: ROOT }), 'loadtests/terminal-fleet.ts'].sort();

  it('every bench records its figures into a section of its own that the doc has markers for', () => {
    const doc = readFileSync(PERFORMANCE_DOC, 'utf8');
    const names = benches.map((file) => {
      const calls = [...readFileSync(join(ROOT, file), 'utf8').matchAll(/record(?:Output|Figures)\(\s*'([a-z0-9-]+)'/g)].map((m) => m[1]);
      expect(calls, `${file} records its figures once`).toHaveLength(1);
      return calls[0]!;
    });
    expect(new Set(names).size, 'one section per bench').toBe(names.length);
    for (const name of names) expect(() => replaceBenchSection(doc, name, 'x'), name).not.toThrow();
    expect(benches).toContain('loadtests/chain/chain.bench.ts');
  });
});
