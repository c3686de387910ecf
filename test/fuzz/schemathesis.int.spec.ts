import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./run-schemathesis.sh', import.meta.url));

// Issue #11 item 7: schemathesis (PyPI, pinned) generates requests from the served OpenAPI
// documents of the embedded default, per role and for ingest-wim, and checks every answer
// against them. Bounded: FUZZ_BUDGET_S (default 60 s) of fuzzing in all.
describe('API fuzzing with schemathesis against the embedded default', () => {
  it('finds no server error and no answer that differs from the OpenAPI document', () => {
    const run = spawnSync('bash', [script], {
      encoding: 'utf8',
      env: { ...process.env, FUZZ_BUDGET_S: process.env['FUZZ_BUDGET_S'] ?? '60' },
      maxBuffer: 64 * 1024 * 1024,
    });
    const output = `${run.stdout}\n${run.stderr}`;
    const counts = output.split('\n').filter((line) => line.startsWith('fuzz'));
    console.log(counts.join('\n'));
    const summary = /fuzz summary: runs=(\d+) operations=(\d+) cases=(\d+) failures=(\d+)/.exec(output);
    if (!summary || run.status !== 0) console.log(output.slice(-20_000));
    expect(summary, 'the script printed its summary').not.toBeNull();
    const [, runs, operations, cases, failures] = summary!.map(Number);
    expect(runs).toBe(5);
    expect(operations).toBeGreaterThan(0);
    expect(cases).toBeGreaterThan(0);
    expect(failures).toBe(0);
    expect(run.status).toBe(0);
  }, 600_000);
});
