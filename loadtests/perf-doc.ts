/**
 * Benchmarks keep docs/performance.md current from their own output: each bench owns the
 * text between `<!-- bench:NAME begin -->` and `<!-- bench:NAME end -->` and, when run with
 * `--record`, replaces it with its figures, stamped with the date, the commit, the machine's
 * load and the command that produced them. Without `--record` nothing is written, so ad-hoc
 * runs leave the doc alone.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PERFORMANCE_DOC = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'performance.md');

const BENCH_NAME = /^[a-z0-9][a-z0-9-]*$/;

export class PerfDocError extends Error {
  override name = 'PerfDocError';
}

const markersOf = (bench: string): { begin: string; end: string } => {
  if (!BENCH_NAME.test(bench)) throw new PerfDocError(`bench name "${bench}" must be lower-case letters, digits and dashes`);
  return { begin: `<!-- bench:${bench} begin -->`, end: `<!-- bench:${bench} end -->` };
};

/**
 * `doc` with the text between the bench's markers replaced by `section` (markers kept, every
 * other byte untouched). Refuses, naming the bench, when a marker is missing, doubled or out
 * of order — a bench never appends or guesses where its figures go.
 */
export const replaceBenchSection = (doc: string, bench: string, section: string): string => {
  const { begin, end } = markersOf(bench);
  const beginAt = doc.indexOf(begin);
  const endAt = doc.indexOf(end);
  if (beginAt < 0 || endAt < 0)
    throw new PerfDocError(`docs/performance.md has no "${beginAt < 0 ? begin : end}" marker: add the bench's begin and end markers where its figures go`);
  if (doc.indexOf(begin, beginAt + begin.length) >= 0 || doc.indexOf(end, endAt + end.length) >= 0)
    throw new PerfDocError(`docs/performance.md has the markers of bench "${bench}" more than once`);
  if (endAt < beginAt) throw new PerfDocError(`docs/performance.md has the end marker of bench "${bench}" before its begin marker`);
  const body = section.replace(/^\n+|\n+$/g, '');
  if (body.includes('<!-- bench:')) throw new PerfDocError(`the figures of bench "${bench}" contain a bench marker`);
  return `${doc.slice(0, beginAt + begin.length)}\n${body}\n${doc.slice(endAt)}`;
};

/** The stamp above a recorded section: when, which commit, how busy the machine was, and the command. */
export const provenanceLine = (facts: { atIso: string; commit: string; load: readonly number[]; cores: number; command: string }): string =>
  `_Recorded ${facts.atIso.slice(0, 16).replace('T', ' ')} UTC at \`${facts.commit}\`, machine load ${facts.load.map((l) => l.toFixed(1)).join(' / ')} ` +
  `(1 / 5 / 15 min) on ${facts.cores} cores, by \`${facts.command}\`._`;

const commitOf = (): string => {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${sha}+changes` : sha;
  } catch {
    return 'unknown';
  }
};

/** The command as typed, e.g. `npx tsx loadtests/chain/chain.bench.ts --rate 5000 --record`. */
export const commandLine = (argv: readonly string[] = process.argv): string => {
  const script = argv[1] ? relative(process.cwd(), argv[1]) || basename(argv[1]) : '';
  return ['npx tsx', script, ...argv.slice(2)].filter(Boolean).join(' ');
};

/** Whether this run was asked to write docs/performance.md (`--record` anywhere in argv). */
export const recording = (argv: readonly string[] = process.argv): boolean => argv.includes('--record');

/**
 * Writes `markdown` as bench `bench`'s section of docs/performance.md, stamped with its
 * provenance — only when the run was started with `--record`; otherwise does nothing.
 * Returns whether it wrote.
 */
export const recordFigures = (bench: string, markdown: string, options: { argv?: readonly string[]; docPath?: string } = {}): boolean => {
  const argv = options.argv ?? process.argv;
  if (!recording(argv)) return false;
  const docPath = options.docPath ?? PERFORMANCE_DOC;
  const stamp = provenanceLine({ atIso: new Date().toISOString(), commit: commitOf(), load: loadavg(), cores: cpus().length, command: commandLine(argv) });
  writeFileSync(docPath, replaceBenchSection(readFileSync(docPath, 'utf8'), bench, `${stamp}\n\n${markdown}`));
  console.log(`[perf-doc] recorded the figures of "${bench}" in ${relative(process.cwd(), docPath)}`);
  return true;
};

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/**
 * For benches that print their figures: with `--record`, what the bench prints from here on
 * (console.log) becomes its section of docs/performance.md, as printed, when the process
 * exits with code 0. The markers are checked now, so a long run does not end in a refusal.
 * Without `--record` it does nothing.
 */
export const recordOutput = (bench: string, options: { argv?: readonly string[]; docPath?: string } = {}): void => {
  const argv = options.argv ?? process.argv;
  if (!recording(argv)) return;
  const docPath = options.docPath ?? PERFORMANCE_DOC;
  replaceBenchSection(readFileSync(docPath, 'utf8'), bench, '');
  const lines: string[] = [];
  const log = console.log.bind(console);
  console.log = (...items: unknown[]) => {
    lines.push(
      items
        .map((item) => (typeof item === 'string' ? item : JSON.stringify(item)))
        .join(' ')
        .replace(ANSI, ''),
    );
    log(...items);
  };
  process.once('exit', (code) => {
    if (code !== 0) return void log(`[perf-doc] exit code ${code}: the figures of "${bench}" are not recorded`);
    recordFigures(bench, ['```text', ...lines.join('\n').replaceAll('```', "'''").split('\n'), '```'].join('\n'), { argv, docPath });
  });
};
