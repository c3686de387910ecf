import { emptyBodyCodec } from './message-codec.js';

/** 0x8201 位置信息查询 — empty body; the terminal answers 0x0201. */
export const locationQueryCodec = emptyBodyCodec(0x8201, 'location query');
