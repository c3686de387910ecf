import { emptyBodyCodec } from './message-codec.js';

/** 0x0002 终端心跳 — empty body; the platform answers 0x8001. */
export const heartbeatCodec = emptyBodyCodec(0x0002, 'heartbeat');
