/**
 * What real terminals get wrong in frames that peers (Traccar and others) accept anyway,
 * and this codec accepts when decoding leniently (`{ lenient: true }`) and the reading is
 * unambiguous. Each accepted frame lists its anomalies, so the gateway can count and flag
 * them per terminal; strict decoding refuses them with the `Jt808DecodeError` it always gave.
 */
export const JT808_FRAME_ANOMALIES = [
  /** The check code is wrong on a frame that is otherwise exactly standard (escapes, flags, declared length). */
  'bad-checksum',
  /** The BCD phone holds nibbles A–F; read as hex digits ("4EB6FB4AFD9E"). */
  'hex-terminal-id',
  /** Body attribute bit 14 (2019) is set, but only the 2013 header layout matches the declared length. */
  'version-bit-on-2013-header',
  /** A raw 0x7e inside the frame, taken as data because the check code and the declared length then hold. */
  'stray-flag',
  /** 0x7d not followed by 0x01/0x02, taken as a raw 0x7d because the check code and the declared length then hold. */
  'bad-escape',
  /** One byte after the declared body, covered by a correct check code: dropped as padding. */
  'trailing-byte',
] as const;

export type Jt808FrameAnomaly = (typeof JT808_FRAME_ANOMALIES)[number];
