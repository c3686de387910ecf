/** Why a decision on a lead was refused: not found (or outside the scope — the same answer), or decided already. */
export class TargetingCommandError extends Error {
  constructor(
    readonly kind: 'not_found' | 'decided',
    message: string,
  ) {
    super(message);
  }
}
