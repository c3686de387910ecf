// A cases member that dies between the database commit and the publish: it opens the case
// of the violation in CASE_VIOLATION_JSON (violation, case and outbox rows commit together)
// and is SIGKILLed by the unit of work's after-commit hook, before any relay runs.
import { CaseProposer, CaseUnitOfWork, OpenCaseUseCase } from '@roadwatch/case-lifecycle';
import type { OverloadViolationV1 } from '@roadwatch/contracts';
import { DEFAULT_OVERLOAD_CONFIG, DEFAULT_PENALTY_CONFIG } from '@roadwatch/rules';
import { createPool } from '@roadwatch/storage';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const pool = createPool(env('DATABASE_URL'), { schema: env('DATABASE_SCHEMA'), max: 1, application: 'cases-killed' });
const violation = JSON.parse(env('CASE_VIOLATION_JSON')) as OverloadViolationV1;
const openCase = new OpenCaseUseCase(
  new CaseUnitOfWork(pool, () => {
    process.stdout.write('COMMITTED\n');
    process.kill(process.pid, 'SIGKILL');
    return new Promise(() => undefined);
  }),
  new CaseProposer({ penaltyConfig: DEFAULT_PENALTY_CONFIG, overloadConfig: DEFAULT_OVERLOAD_CONFIG, stationSourceSites: {} }),
);
await openCase.execute({ violation, nowMs: Number(env('CASE_NOW_MS')) });
