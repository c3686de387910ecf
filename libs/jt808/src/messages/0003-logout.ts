import { emptyBodyCodec } from './message-codec.js';

/** 0x0003 终端注销 — empty body; the terminal gives up its registration. */
export const logoutCodec = emptyBodyCodec(0x0003, 'logout');
