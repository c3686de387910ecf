/**
 * Why a roster command was refused — what the client can fix; nothing was written. The roster
 * controller answers it as HTTP (404, 409, 400 naming the field).
 */
export class RosterCommandError extends Error {
  constructor(
    readonly kind: 'not_found' | 'conflict' | 'invalid_field',
    message: string,
    readonly issue?: { field: string; message: string },
  ) {
    super(message);
  }
}
