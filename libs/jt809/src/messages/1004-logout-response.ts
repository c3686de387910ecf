import { emptyBodyCodec } from './message-codec.js';

/** 0x1004 主链路注销应答: no body. */
export const logoutResponseCodec = emptyBodyCodec(0x1004, 'main link logout response');
