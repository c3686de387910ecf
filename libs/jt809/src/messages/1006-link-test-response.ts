import { jt809EmptyBodyCodec } from './message-codec.js';

/** 0x1006 主链路连接保持应答: no body. */
export const linkTestResponseCodec = jt809EmptyBodyCodec(0x1006, 'main link keep-alive response');
