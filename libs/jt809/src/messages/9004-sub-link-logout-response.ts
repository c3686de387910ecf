import { emptyBodyCodec } from './message-codec.js';

/** 0x9004 从链路注销应答: no body. */
export const subLinkLogoutResponseCodec = emptyBodyCodec(0x9004, 'sub link logout response');
