import { jt809EmptyBodyCodec } from './message-codec.js';

/** 0x9005 从链路连接保持请求: no body. */
export const subLinkTestCodec = jt809EmptyBodyCodec(0x9005, 'sub link keep-alive');
