import { readDeleteAreas, writeDeleteAreas, type DeleteAreas } from './area-common.js';
import type { MessageCodec } from './message-codec.js';

/** 0x8605 — count BYTE (0 = every one), then the ids to delete (DWORD each, at most 125). */
export const deletePolygonAreasCodec: MessageCodec<DeleteAreas> = {
  messageId: 0x8605,
  name: 'delete polygon areas',
  decode: (reader) => readDeleteAreas(reader),
  encode: (writer, body) => writeDeleteAreas(writer, body),
};
