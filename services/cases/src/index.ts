export { startCases, type CasesOptions, type RunningCases } from './cases.service';
export { OpenCase, caseIdOf, caseEventIdOf, UNIDENTIFIED, type OpenCaseDeps, type OpenedCase } from './open-case.usecase';
export { assessmentOfViolation } from './violation-assessment';
export { casesEnvSchema, loadCasesConfig, type CasesConfig } from './config';
