export { CaseCommandError } from './case-command.error';
export { CaseUnitOfWork, type CaseTransaction } from './case-unit-of-work';
export {
  CaseProposer,
  caseIdOf,
  caseEventIdOf,
  UNIDENTIFIED,
  type CaseProposal,
  type CaseProposalConfig,
  type CaseProposalReads,
  type CaseDriverFinding,
} from './usecases/open-case/propose-case';
export { driverOnDutyOf } from './usecases/open-case/driver-on-duty-of';
export type { OpenCaseCommand } from './usecases/open-case/open-case.command';
export { OpenCaseUseCase, type OpenCaseResult } from './usecases/open-case/open-case.usecase';
export type { DecideCaseCommand } from './usecases/decide-case/decide-case.command';
export { DecideCaseUseCase } from './usecases/decide-case/decide-case.usecase';
export type { ReportCaseCommand } from './usecases/report-case/report-case.command';
export { ReportCaseUseCase } from './usecases/report-case/report-case.usecase';
export type { CloseCaseCommand } from './usecases/close-case/close-case.command';
export { CloseCaseUseCase } from './usecases/close-case/close-case.usecase';
