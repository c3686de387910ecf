import { emptyBodyCodec } from './message-codec.js';

/** 0x9006 从链路连接保持应答: no body. */
export const subLinkTestResponseCodec = emptyBodyCodec(0x9006, 'sub link keep-alive response');
