import { FieldCommandError } from '../field-command.error';

/** Why a roster command was refused (`FieldCommandError`). */
export class RosterCommandError extends FieldCommandError {}
