import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./run-schemathesis.sh', import.meta.url));

// Issue #11 item 7: schemathesis (PyPI, pinned) generates requests from the served OpenAPI
// documents of the embedded default, per role and for ingest-wim, and checks every answer
// against them, strictly (no field outside the document).
//
// Bounded: inside `npm test` a smoke of SMOKE_BUDGET_S seconds of fuzzing in all (every role
// and ingest-wim, every operation, fewer cases each); `npm run test:fuzz` runs this spec alone
// with the full budget (FUZZ_BUDGET_S=120). FUZZ_BUDGET_S, when set, wins.
const SMOKE_BUDGET_S = 25;
describe('API fuzzing with schemathesis against the embedded default', () => {
  it('finds no server error and no answer that differs from the OpenAPI document', () => {
    const run = spawnSync('bash', [script], {
      encoding: 'utf8',
      env: { ...process.env, FUZZ_BUDGET_S: process.env['FUZZ_BUDGET_S'] ?? String(SMOKE_BUDGET_S) },
      maxBuffer: 64 * 1024 * 1024,
    });
    const output = `${run.stdout}\n${run.stderr}`;
    const counts = output.split('\n').filter((line) => line.startsWith('fuzz'));
    console.log(counts.join('\n'));
    const summary = /fuzz summary: runs=(\d+) operations=(\d+) cases=(\d+) failures=(\d+) untested_operations=(\d+)/.exec(output);
    if (!summary || run.status !== 0) console.log(output.slice(-20_000));
    expect(summary, 'the script printed its summary').not.toBeNull();
    const [, runs, operations, cases, failures, untested] = summary!.map(Number);
    expect(runs).toBe(5);
    expect(operations).toBeGreaterThan(0);
    expect(cases).toBeGreaterThan(0);
    expect(failures).toBe(0);
    // However short the budget, every operation of every run's document got cases (the smoke is broad, the full run deep).
    const perRun = counts.map((line) => /documented=(\d+) tested=(\d+)/.exec(line)).filter((match) => match !== null);
    expect(perRun).toHaveLength(5);
    for (const [, documented] of perRun) expect(Number(documented)).toBeGreaterThan(0);
    expect(untested).toBe(0);
    expect(run.status).toBe(0);
  }, 600_000);
});
