import { jt809EmptyBodyCodec } from './message-codec.js';

/** 0x1004 主链路注销应答: no body. */
export const logoutResponseCodec = jt809EmptyBodyCodec(0x1004, 'main link logout response');
