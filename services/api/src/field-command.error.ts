/**
 * A command refused for what the client can fix; nothing was written. The API answers it as
 * HTTP in one place (`answerRefusal`): not found 404, conflict 409, a bad field 400 naming it.
 * Each feature names its own subclass (registry, delivery, roster).
 */
export class FieldCommandError extends Error {
  constructor(
    readonly kind: 'not_found' | 'conflict' | 'invalid_field',
    message: string,
    /** For `invalid_field`: the field (`body.companyId`) and what is wrong with it. */
    readonly issue?: { field: string; message: string },
  ) {
    super(message);
  }
}
