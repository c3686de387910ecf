import { z } from 'zod';
import { describeIssues, fieldIssuesOf, type FieldIssue } from './errors';
import { TOPICS, type TopicName } from './topics';
import { positionV1 } from './position.schema';
import { wimMeasurementV1 } from './wim.schema';
import { stationRecordV1 } from './wim-station-record.schema';
import { alertV1 } from './alert.schema';
import { overloadViolationV1 } from './overload.schema';
import { caseEventV1 } from './case-event.schema';
import { commandResultV1, terminalCommandV1 } from './terminal-command.schema';
import { vehicleQualityDayV1 } from './quality.schema';
import { registryChangeV1 } from './registry-change.schema';
import { handlingChangeV1 } from './handling.schema';
import { driverCardEventV1 } from './driver-card.schema';
import { terminalAreaAlarmV1 } from './terminal-geofence.schema';

/** The schema every message on a topic must satisfy; consumers validate against it at runtime. */
export const TOPIC_SCHEMAS = {
  [TOPICS.positions]: positionV1,
  [TOPICS.wimMeasurements]: wimMeasurementV1,
  [TOPICS.wimStationRecords]: stationRecordV1,
  [TOPICS.alerts]: alertV1,
  [TOPICS.overloadViolations]: overloadViolationV1,
  [TOPICS.caseEvents]: caseEventV1,
  [TOPICS.terminalCommands]: terminalCommandV1,
  [TOPICS.commandResults]: commandResultV1,
  [TOPICS.qualityDaily]: vehicleQualityDayV1,
  [TOPICS.registryChanges]: registryChangeV1,
  [TOPICS.handlingChanges]: handlingChangeV1,
  [TOPICS.driverCardEvents]: driverCardEventV1,
  [TOPICS.terminalAreaAlarms]: terminalAreaAlarmV1,
} as const satisfies Record<TopicName, z.ZodType>;

export type MessageOf<T extends TopicName> = z.infer<(typeof TOPIC_SCHEMAS)[T]>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string; issues: FieldIssue[] };

export const parseWith = <S extends z.ZodType>(schema: S, value: unknown): ParseResult<z.infer<S>> => {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const issues = fieldIssuesOf(result.error);
  return { ok: false, reason: describeIssues(issues), issues };
};

export const parseMessage = <T extends TopicName>(topic: T, value: unknown): ParseResult<MessageOf<T>> =>
  parseWith(TOPIC_SCHEMAS[topic], value) as ParseResult<MessageOf<T>>;
