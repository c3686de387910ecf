import { jt809EmptyBodyCodec } from './message-codec.js';

/** 0x1005 主链路连接保持请求 (heartbeat from the lower platform): no body. */
export const linkTestCodec = jt809EmptyBodyCodec(0x1005, 'main link keep-alive');
