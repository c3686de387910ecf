import { z } from 'zod';
import { freeText, safeJsonObject, safeString } from './safe-string';
import { epochMs } from './common.schema';
import { geofenceCommands } from './terminal-geofence.schema';

/** A downlink for one terminal, on `terminal.commands` (key = terminalId). */
export const terminalCommandV1 = z.object({
  v: z.literal(1),
  commandId: safeString().min(1),
  terminalId: safeString().min(1),
  vehicleId: safeString().optional(),
  issuedAtMs: epochMs,
  /** A command not delivered by then is reported undeliverable. */
  expiresAtMs: epochMs.optional(),
  command: z.discriminatedUnion('type', [
    z.object({
      type: z.literal('text'),
      text: freeText().min(1).max(1000),
      tts: z.boolean().default(true),
      display: z.boolean().default(true),
      urgent: z.boolean().default(false),
    }),
    z.object({ type: z.literal('location_query') }),
    z.object({
      type: z.literal('set_params'),
      params: z.array(z.object({ id: z.number().int().nonnegative(), value: z.union([z.number(), safeString()]) })).min(1),
    }),
    // Routes and areas for the terminal's own judgement (0x8606 / 0x8604 / 0x8600).
    ...geofenceCommands,
  ]),
});
export type TerminalCommandV1 = z.infer<typeof terminalCommandV1>;

export const commandResultV1 = z.object({
  v: z.literal(1),
  commandId: safeString().min(1),
  terminalId: safeString().min(1),
  status: z.enum(['sent', 'acknowledged', 'failed', 'unsupported', 'undeliverable', 'answered']),
  reason: freeText().optional(),
  answeredAtMs: epochMs,
  answer: safeJsonObject().optional(),
});
export type CommandResultV1 = z.infer<typeof commandResultV1>;
