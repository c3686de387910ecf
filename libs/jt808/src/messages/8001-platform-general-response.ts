import { generalResponseCodec, type GeneralResponse } from './0001-terminal-general-response.js';

export type PlatformGeneralResponse = GeneralResponse;

/** 0x8001 平台通用应答 — the platform acknowledges a terminal message. */
export const platformGeneralResponseCodec = generalResponseCodec(0x8001, 'platform general response');
