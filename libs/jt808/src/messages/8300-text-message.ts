import { encodeGbk } from '../gbk.js';
import type { MessageCodec } from './message-codec.js';
import { readRestString } from './strings.js';

/** Flag bits of 0x8300. In 2019 bits 0–1 are a 2-bit type (1 service, 2 urgent, 3 notice). */
export const TEXT_FLAG_BITS = {
  /** 2013 紧急; in 2019 bit 0 with bit 1 clear means "service". */
  emergency: 0,
  display: 2,
  tts: 3,
  /** 2013 广告屏显示. */
  advertisingScreen: 4,
  /** 0 navigation info, 1 CAN fault code. */
  canFaultCode: 5,
} as const;

export interface TextMessage {
  /** Flag BYTE as sent; the source of truth when encoding. */
  readonly flags: number;
  readonly emergency: boolean;
  readonly display: boolean;
  readonly tts: boolean;
  /** 2019 only (1 notification, 2 service); null before 2019. */
  readonly textType: number | null;
  readonly text: string;
}

/** 0x8300 文本信息下发 (display and/or TTS). */
export const textMessageCodec: MessageCodec<TextMessage> = {
  messageId: 0x8300,
  name: 'text message',
  decode(reader, context) {
    const flags = reader.u8('flags');
    const textType = context.edition === '2019' ? reader.u8('text type') : null;
    return {
      flags,
      emergency: (flags & (1 << TEXT_FLAG_BITS.emergency)) !== 0,
      display: (flags & (1 << TEXT_FLAG_BITS.display)) !== 0,
      tts: (flags & (1 << TEXT_FLAG_BITS.tts)) !== 0,
      textType,
      text: readRestString(reader, 'text', 'text'),
    };
  },
  encode(writer, body, context) {
    writer.u8(body.flags, 'flags');
    if (context.edition === '2019') writer.u8(body.textType ?? 1, 'textType');
    writer.bytes(encodeGbk(body.text, 'text'));
  },
};

/** Flag byte from named options (for building a 0x8300). */
export function textFlagsFrom(options: { emergency?: boolean; display?: boolean; tts?: boolean; advertisingScreen?: boolean }): number {
  let flags = 0;
  if (options.emergency) flags |= 1 << TEXT_FLAG_BITS.emergency;
  if (options.display) flags |= 1 << TEXT_FLAG_BITS.display;
  if (options.tts) flags |= 1 << TEXT_FLAG_BITS.tts;
  if (options.advertisingScreen) flags |= 1 << TEXT_FLAG_BITS.advertisingScreen;
  return flags;
}
