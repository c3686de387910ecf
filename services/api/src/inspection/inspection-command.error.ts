/** Why a 查岗 command was refused; the API answers it as HTTP in one place (`answerRefusal`). */
export class InspectionCommandError extends Error {
  constructor(
    readonly kind: 'not_found' | 'forbidden' | 'conflict',
    message: string,
    /** The request field at fault, when one is (`body.companyIds`). */
    readonly field?: string,
  ) {
    super(message);
  }
}
