/** Why a lower-platform command was refused — what the client can fix; nothing was written. */
export class LowerPlatformCommandError extends Error {
  constructor(
    readonly kind: 'not_found' | 'invalid_field',
    message: string,
    readonly issue?: { field: string; message: string },
  ) {
    super(message);
  }
}
