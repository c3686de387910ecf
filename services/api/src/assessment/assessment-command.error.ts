/** A refused 考核 command: `bad_request` (400, the field named when known). */
export class AssessmentCommandError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
