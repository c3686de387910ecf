import { z } from 'zod';
import { TOPICS, type TopicName } from './topics';
import { positionV1 } from './position.schema';
import { wimMeasurementV1 } from './wim.schema';
import { wimStationRecordV1 } from './wim-station-record.schema';
import { alertV1 } from './alert.schema';
import { overloadViolationV1 } from './overload.schema';
import { caseEventV1 } from './case-event.schema';
import { commandResultV1, terminalCommandV1 } from './terminal-command.schema';
import { vehicleQualityDayV1 } from './quality.schema';

/** The schema every message on a topic must satisfy; consumers validate against it at runtime. */
export const TOPIC_SCHEMAS = {
  [TOPICS.positions]: positionV1,
  [TOPICS.wimMeasurements]: wimMeasurementV1,
  [TOPICS.wimStationRecords]: wimStationRecordV1,
  [TOPICS.alerts]: alertV1,
  [TOPICS.overloadViolations]: overloadViolationV1,
  [TOPICS.caseEvents]: caseEventV1,
  [TOPICS.terminalCommands]: terminalCommandV1,
  [TOPICS.commandResults]: commandResultV1,
  [TOPICS.qualityDaily]: vehicleQualityDayV1,
} as const satisfies Record<TopicName, z.ZodType>;

export type MessageOf<T extends TopicName> = z.infer<(typeof TOPIC_SCHEMAS)[T]>;

export interface FieldIssue {
  /** Dotted path of the bad field, `(root)` for the value itself. */
  field: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string; issues: FieldIssue[] };

export const fieldIssuesOf = (error: z.ZodError): FieldIssue[] =>
  error.issues.map((issue) => ({ field: issue.path.length ? issue.path.join('.') : '(root)', message: issue.message }));

/** Human-readable reason naming each failing field, for dead letters and 4xx answers. */
export const describeZodError = (error: z.ZodError): string =>
  fieldIssuesOf(error).map(({ field, message }) => `${field}: ${message}`).join('; ');

export const parseWith = <S extends z.ZodType>(schema: S, value: unknown): ParseResult<z.infer<S>> => {
  const result = schema.safeParse(value);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, reason: describeZodError(result.error), issues: fieldIssuesOf(result.error) };
};

export const parseMessage = <T extends TopicName>(topic: T, value: unknown): ParseResult<MessageOf<T>> =>
  parseWith(TOPIC_SCHEMAS[topic], value) as ParseResult<MessageOf<T>>;
