/** Why an alert command was refused; the API answers it as HTTP in one place (`answerRefusal`). */
export class AlertCommandError extends Error {
  constructor(
    readonly kind: 'not_found',
    message: string,
  ) {
    super(message);
  }
}
