export { startCases, type CasesOptions, type RunningCases } from './cases.service';
export { caseIdOf, caseEventIdOf, UNIDENTIFIED } from '@roadwatch/case-lifecycle';
export { casesEnvSchema, loadCasesConfig, type CasesConfig } from './config';
