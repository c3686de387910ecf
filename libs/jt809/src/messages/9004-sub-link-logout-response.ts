import { jt809EmptyBodyCodec } from './message-codec.js';

/** 0x9004 从链路注销应答: no body. */
export const subLinkLogoutResponseCodec = jt809EmptyBodyCodec(0x9004, 'sub link logout response');
