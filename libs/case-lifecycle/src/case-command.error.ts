/**
 * Why a case command was refused — what the caller can fix; nothing was written. The API
 * answers it as HTTP in one place (`not_found` 404, `wrong_state` 409, `invalid` 400).
 */
export class CaseCommandError extends Error {
  constructor(
    readonly kind: 'not_found' | 'wrong_state' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

export const caseNotFound = (caseId: string): never => {
  throw new CaseCommandError('not_found', `case ${caseId} not found`);
};

export const wrongState = (message: string): never => {
  throw new CaseCommandError('wrong_state', message);
};

export const invalidCommand = (message: string): never => {
  throw new CaseCommandError('invalid', message);
};
