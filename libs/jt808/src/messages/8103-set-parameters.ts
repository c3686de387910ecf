import { decodeGbk, encodeGbk } from '../gbk.js';
import { ByteWriter } from '../bytes.js';
import { Jt808EncodeError } from '../errors.js';
import type { MessageCodec } from './message-codec.js';

type ParameterKind = 'dword' | 'word' | 'byte' | 'string';

/**
 * Terminal parameters with a typed value (JT/T 808-2013 table 12): the reporting
 * intervals and distances the platform tunes, the limits the rules rely on, and the
 * identity fields. Every other id travels as raw bytes.
 */
export const TERMINAL_PARAMETERS = {
  heartbeatIntervalS: { id: 0x0001, kind: 'dword' },
  tcpResponseTimeoutS: { id: 0x0002, kind: 'dword' },
  tcpRetransmissions: { id: 0x0003, kind: 'dword' },
  udpResponseTimeoutS: { id: 0x0004, kind: 'dword' },
  udpRetransmissions: { id: 0x0005, kind: 'dword' },
  mainServerApn: { id: 0x0010, kind: 'string' },
  mainServerAddress: { id: 0x0013, kind: 'string' },
  serverTcpPort: { id: 0x0018, kind: 'dword' },
  /** 0 timed, 1 by distance, 2 timed and by distance. */
  locationReportingStrategy: { id: 0x0020, kind: 'dword' },
  /** 0 by ACC state, 1 by login state then ACC. */
  locationReportingScheme: { id: 0x0021, kind: 'dword' },
  driverLoggedOutReportIntervalS: { id: 0x0022, kind: 'dword' },
  sleepReportIntervalS: { id: 0x0027, kind: 'dword' },
  emergencyAlarmReportIntervalS: { id: 0x0028, kind: 'dword' },
  defaultReportIntervalS: { id: 0x0029, kind: 'dword' },
  defaultReportDistanceM: { id: 0x002c, kind: 'dword' },
  driverLoggedOutReportDistanceM: { id: 0x002d, kind: 'dword' },
  sleepReportDistanceM: { id: 0x002e, kind: 'dword' },
  emergencyAlarmReportDistanceM: { id: 0x002f, kind: 'dword' },
  cornerRetransmitAngleDeg: { id: 0x0030, kind: 'dword' },
  maxSpeedKmh: { id: 0x0055, kind: 'dword' },
  overspeedDurationS: { id: 0x0056, kind: 'dword' },
  continuousDrivingLimitS: { id: 0x0057, kind: 'dword' },
  dailyDrivingLimitS: { id: 0x0058, kind: 'dword' },
  minimumRestS: { id: 0x0059, kind: 'dword' },
  maximumParkingS: { id: 0x005a, kind: 'dword' },
  odometerTenthKm: { id: 0x0080, kind: 'dword' },
  provinceId: { id: 0x0081, kind: 'word' },
  cityId: { id: 0x0082, kind: 'word' },
  plateNumber: { id: 0x0083, kind: 'string' },
  plateColor: { id: 0x0084, kind: 'byte' },
} as const satisfies Record<string, { id: number; kind: ParameterKind }>;

export type TerminalParameterName = keyof typeof TERMINAL_PARAMETERS;

const BY_ID = new Map<number, { name: TerminalParameterName; kind: ParameterKind }>(
  (Object.keys(TERMINAL_PARAMETERS) as TerminalParameterName[]).map((name) => [TERMINAL_PARAMETERS[name].id, { name, kind: TERMINAL_PARAMETERS[name].kind }]),
);

const WIDTH: Record<Exclude<ParameterKind, 'string'>, number> = { dword: 4, word: 2, byte: 1 };

export type TerminalParameter =
  | { readonly id: number; readonly name: TerminalParameterName; readonly value: number | string }
  | { readonly id: number; readonly name: null; readonly value: Uint8Array };

export interface SetParameters {
  readonly parameters: readonly TerminalParameter[];
}

/** A parameter by name: `parameter('defaultReportIntervalS', 30)`. */
export function parameter(name: TerminalParameterName, value: number | string): TerminalParameter {
  return { id: TERMINAL_PARAMETERS[name].id, name, value };
}

function decodeParameter(id: number, value: Uint8Array): TerminalParameter {
  const known = BY_ID.get(id);
  if (known) {
    if (known.kind === 'string') return { id, name: known.name, value: decodeGbk(value) };
    if (value.length === WIDTH[known.kind]) {
      let number = 0;
      for (const byte of value) number = number * 256 + byte;
      return { id, name: known.name, value: number };
    }
  }
  return { id, name: null, value: value.slice() };
}

function encodeParameterValue(parameter: TerminalParameter): Uint8Array {
  const field = `parameters[0x${parameter.id.toString(16)}]`;
  if (parameter.value instanceof Uint8Array) return parameter.value;
  const known = BY_ID.get(parameter.id);
  if (!known) throw new Jt808EncodeError('bad-value', field, 'unknown parameter id needs a Uint8Array value');
  if (known.kind === 'string') {
    if (typeof parameter.value !== 'string') throw new Jt808EncodeError('bad-value', field, 'expects a string');
    return encodeGbk(parameter.value, field);
  }
  if (typeof parameter.value !== 'number') throw new Jt808EncodeError('bad-value', field, 'expects a number');
  const writer = new ByteWriter(4);
  if (known.kind === 'dword') writer.u32(parameter.value, field);
  else if (known.kind === 'word') writer.u16(parameter.value, field);
  else writer.u8(parameter.value, field);
  return writer.toBytes();
}

/** 0x8103 设置终端参数: count BYTE, then (id DWORD, length BYTE, value) × count. */
export const setParametersCodec: MessageCodec<SetParameters> = {
  messageId: 0x8103,
  name: 'set parameters',
  decode(reader) {
    const count = reader.u8('parameter count');
    const parameters: TerminalParameter[] = [];
    for (let i = 0; i < count; i += 1) {
      const id = reader.u32(`parameter ${i} id`);
      const length = reader.u8(`parameter ${i} length`);
      parameters.push(decodeParameter(id, reader.bytes(length, `parameter 0x${id.toString(16)} value`)));
    }
    return { parameters };
  },
  encode(writer, body) {
    writer.u8(body.parameters.length, 'parameters.length');
    for (const parameter of body.parameters) {
      const value = encodeParameterValue(parameter);
      writer.u32(parameter.id, 'parameter id');
      writer.u8(value.length, `parameters[0x${parameter.id.toString(16)}].length`);
      writer.bytes(value);
    }
  },
};
