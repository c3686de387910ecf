import { emptyBodyCodec } from './message-codec.js';

/** 0x1006 主链路连接保持应答: no body. */
export const linkTestResponseCodec = emptyBodyCodec(0x1006, 'main link keep-alive response');
