import { encodeFrame } from './codec.js';
import type { Jt808Header } from './header.js';
import { GeneralResult } from './messages/0001-terminal-general-response.js';
import { RegisterResult } from './messages/8100-register-response.js';
import type { TerminalParameter } from './messages/8103-set-parameters.js';
import { textFlagsFrom } from './messages/8300-text-message.js';
import type { SetCircleAreas } from './messages/8600-set-circle-area.js';
import type { SetPolygonArea } from './messages/8604-set-polygon-area.js';
import type { SetRoute } from './messages/8606-set-route.js';

/**
 * Builders for the platform's downlink. Each answers or addresses the terminal named by a
 * received header, in that header's edition (a 2019 terminal gets 2019 frames), with the
 * platform's own serial number supplied by the caller (serials are per-connection state
 * the gateway owns).
 */

type Addressee = Pick<Jt808Header, 'terminalPhone' | 'edition' | 'protocolVersion'>;

function downlinkHeader<K extends number>(to: Addressee, messageId: K, serial: number) {
  return { messageId, terminalPhone: to.terminalPhone, edition: to.edition, protocolVersion: to.protocolVersion, serial };
}

/** 0x8001 answering the message whose header is `answered`. */
export function buildPlatformGeneralResponse(answered: Jt808Header, serial: number, result: number = GeneralResult.Ok): Uint8Array {
  return encodeFrame(downlinkHeader(answered, 0x8001, serial), { answerSerial: answered.serial, answerMessageId: answered.messageId, result });
}

/** 0x8003 asking for the listed packets (1-based) of the sub-packaged message whose packet 1 had `firstSerial`. */
export function buildResendRequest(to: Addressee, serial: number, firstSerial: number, packetIndexes: readonly number[]): Uint8Array {
  return encodeFrame(downlinkHeader(to, 0x8003, serial), { firstSerial, packetIndexes });
}

/** 0x8100 answering a 0x0100; `authCode` is required when the result is 0. */
export function buildRegisterResponse(answered: Jt808Header, serial: number, result: number, authCode: string | null): Uint8Array {
  return encodeFrame(downlinkHeader(answered, 0x8100, serial), {
    answerSerial: answered.serial,
    result,
    authCode: result === RegisterResult.Ok ? authCode : null,
  });
}

/** 0x8300 text for display and/or TTS. */
export function buildTextMessage(
  to: Addressee,
  serial: number,
  text: string,
  options: { display?: boolean; tts?: boolean; emergency?: boolean; textType?: number } = { display: true, tts: true },
): Uint8Array {
  const flags = textFlagsFrom(options);
  return encodeFrame(downlinkHeader(to, 0x8300, serial), {
    flags,
    emergency: options.emergency ?? false,
    display: options.display ?? false,
    tts: options.tts ?? false,
    textType: to.edition === '2019' ? (options.textType ?? 1) : null,
    text,
  });
}

/** 0x8201 asking for the current position (answered by 0x0201). */
export function buildLocationQuery(to: Addressee, serial: number): Uint8Array {
  return encodeFrame(downlinkHeader(to, 0x8201, serial), {});
}

/** 0x8103 setting parameters, e.g. `[parameter('defaultReportIntervalS', 10)]`. */
export function buildSetParameters(to: Addressee, serial: number, parameters: readonly TerminalParameter[]): Uint8Array {
  return encodeFrame(downlinkHeader(to, 0x8103, serial), { parameters });
}

/** 0x8606 setting one route (answered by 0x0001). */
export function buildSetRoute(to: Addressee, serial: number, route: SetRoute): Uint8Array {
  return encodeFrame(downlinkHeader(to, 0x8606, serial), route);
}

/** 0x8604 setting one polygon area (answered by 0x0001). */
export function buildSetPolygonArea(to: Addressee, serial: number, area: SetPolygonArea): Uint8Array {
  return encodeFrame(downlinkHeader(to, 0x8604, serial), area);
}

/** 0x8600 setting circle areas (answered by 0x0001). */
export function buildSetCircleAreas(to: Addressee, serial: number, body: SetCircleAreas): Uint8Array {
  return encodeFrame(downlinkHeader(to, 0x8600, serial), body);
}

/** 0x8601 / 0x8603 / 0x8605 / 0x8607 deleting areas or routes by id (none = all of that kind). */
export function buildDeleteAreas(to: Addressee, serial: number, messageId: 0x8601 | 0x8603 | 0x8605 | 0x8607, ids: readonly number[]): Uint8Array {
  return encodeFrame(downlinkHeader(to, messageId, serial), { ids });
}
