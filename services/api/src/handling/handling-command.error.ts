/** Why a handling step was refused; the API answers it as HTTP in one place (`answerRefusal`): not found 404, conflict 409. */
export class HandlingCommandError extends Error {
  constructor(
    readonly kind: 'not_found' | 'conflict',
    message: string,
  ) {
    super(message);
  }
}
