/** Why a 重点监管 command was refused: not found (or outside the scope — the same answer), or the entry already left the list. */
export class KeySupervisionCommandError extends Error {
  constructor(
    readonly kind: 'not_found' | 'not_listed',
    message: string,
  ) {
    super(message);
  }
}
