import { FieldCommandError } from '../field-command.error';

/** Why a delivery command was refused (`FieldCommandError`). */
export class DeliveryCommandError extends FieldCommandError {}
