import { jt809EmptyBodyCodec } from './message-codec.js';

/** 0x9006 从链路连接保持应答: no body. */
export const subLinkTestResponseCodec = jt809EmptyBodyCodec(0x9006, 'sub link keep-alive response');
