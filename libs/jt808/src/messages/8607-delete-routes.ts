import { readDeleteAreas, writeDeleteAreas, type DeleteAreas } from './area-common.js';
import type { MessageCodec } from './message-codec.js';

/** 0x8607 — count BYTE (0 = every one), then the ids to delete (DWORD each, at most 125). */
export const deleteRoutesCodec: MessageCodec<DeleteAreas> = {
  messageId: 0x8607,
  name: 'delete routes',
  decode: (reader) => readDeleteAreas(reader),
  encode: (writer, body) => writeDeleteAreas(writer, body),
};
