import { readDeleteAreas, writeDeleteAreas, type DeleteAreas } from './area-common.js';
import type { MessageCodec } from './message-codec.js';

/** 0x8601 — count BYTE (0 = every one), then the ids to delete (DWORD each, at most 125). */
export const deleteCircleAreasCodec: MessageCodec<DeleteAreas> = {
  messageId: 0x8601,
  name: 'delete circle areas',
  decode: (reader) => readDeleteAreas(reader),
  encode: (writer, body) => writeDeleteAreas(writer, body),
};
