/** Why a send was refused: not found (or outside the scope — the same answer), or it cannot go to this terminal as asked (400 naming the field). */
export class TerminalGeofenceCommandError extends Error {
  constructor(
    readonly kind: 'not_found' | 'unprocessable',
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
