import { ByteWriter } from '../bytes.js';
import { Jt808DecodeError } from '../errors.js';
import { decodeLocation, encodeLocation, type LocationReport } from './0200-location-report.js';
import type { MessageCodec } from './message-codec.js';

export interface BatchLocationUpload {
  /** 0 normal batch, 1 blind-area back-fill (盲区补报). */
  readonly batchType: number;
  readonly blindAreaBackfill: boolean;
  readonly locations: readonly LocationReport[];
}

/** 0x0704 定位数据批量上传: count WORD, type BYTE, then (length WORD, 0x0200 body) × count. */
export const batchLocationUploadCodec: MessageCodec<BatchLocationUpload> = {
  messageId: 0x0704,
  name: 'batch location upload',
  decode(reader) {
    const count = reader.u16('item count');
    const batchType = reader.u8('batch type');
    const locations: LocationReport[] = [];
    for (let i = 0; i < count; i += 1) {
      const length = reader.u16(`item ${i} length`);
      locations.push(decodeLocation(reader.sub(length, `item ${i}`)));
    }
    if (reader.remaining !== 0) {
      throw new Jt808DecodeError('length-mismatch', reader.offset, `${reader.remaining} byte(s) after the ${count} declared item(s)`);
    }
    return { batchType, blindAreaBackfill: batchType === 1, locations };
  },
  encode(writer, body) {
    writer.u16(body.locations.length, 'locations.length');
    writer.u8(body.batchType, 'batchType');
    for (const location of body.locations) {
      const item = new ByteWriter(64);
      encodeLocation(item, location);
      writer.u16(item.length, 'location length');
      writer.bytes(item.toBytes());
    }
  },
};
