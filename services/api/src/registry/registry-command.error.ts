import { FieldCommandError } from '../field-command.error';

/** Why a registry command was refused (`FieldCommandError`). */
export class RegistryCommandError extends FieldCommandError {}

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
