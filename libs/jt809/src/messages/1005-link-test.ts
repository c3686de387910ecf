import { emptyBodyCodec } from './message-codec.js';

/** 0x1005 主链路连接保持请求 (heartbeat from the lower platform): no body. */
export const linkTestCodec = emptyBodyCodec(0x1005, 'main link keep-alive');
