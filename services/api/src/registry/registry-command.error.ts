/**
 * Why a registry command was refused — what the client can fix. The controllers answer it
 * as HTTP (409, 404, 400 naming the field); nothing was written.
 */
export class RegistryCommandError extends Error {
  constructor(
    readonly kind: 'conflict' | 'not_found' | 'invalid_field',
    message: string,
    /** For `invalid_field`: the field (`body.companyId`) and what is wrong with it. */
    readonly issue?: { field: string; message: string },
  ) {
    super(message);
  }
}

export const conflict = (message: string): never => {
  throw new RegistryCommandError('conflict', message);
};

export const notFound = (what: string, id: string): never => {
  throw new RegistryCommandError('not_found', `${what} ${id} not found`);
};

/** A reference in the body to a row that does not exist: named like a validation error. */
export const missingReference = (field: string, what: string, id: string): never => {
  throw new RegistryCommandError('invalid_field', `body.${field}: ${what} ${id} not found`, { field: `body.${field}`, message: `no such ${what}` });
};

export const badField = (field: string, message: string): never => {
  throw new RegistryCommandError('invalid_field', `${field}: ${message}`, { field, message });
};
