import { describe, expect, it } from 'vitest';
import { Decoder, Encoder, PacketType, type Packet } from 'socket.io-parser';
import type { PositionsBatch } from '@roadwatch/contracts';
import { asciiJson, liveParser, PreEncoded } from './live-parser';

const batch: PositionsBatch = {
  tickMs: 1_763_942_400_000,
  positions: [
    {
      vehicleId: 'V1',
      plate: '粤B12345',
      companyId: 'C1',
      deviceTimeMs: 1_763_942_399_500,
      latitudeDeg: 22.54321,
      longitudeDeg: 114.05,
      speedKmh: 61.5,
      headingDeg: 90,
      accOn: true,
    },
    { vehicleId: 'V"2', deviceTimeMs: 1_763_942_399_600, latitudeDeg: -1e-7, longitudeDeg: 113.2, speedKmh: 0, headingDeg: 0, accOn: false },
  ],
};
const preEncoded = (): PreEncoded<PositionsBatch> => new PreEncoded(JSON.stringify(batch));
const event = (data: unknown, nsp = '/live'): Packet => ({ type: PacketType.EVENT, nsp, data: ['positions', data] });

const decode = (encoded: unknown[]): Promise<Packet> =>
  new Promise((resolve) => {
    const decoder = new Decoder();
    decoder.on('decoded', resolve);
    for (const chunk of encoded) decoder.add(chunk);
  });

describe('liveParser', () => {
  it('writes a pre-encoded payload as the very text socket.io would have made from the object', () => {
    const live = new liveParser.Encoder();
    const plain = new Encoder();
    expect(live.encode(event(preEncoded()))).toEqual(plain.encode(event(batch)));
    expect(live.encode(event(preEncoded(), '/'))).toEqual(plain.encode(event(batch, '/')));
  });

  it('splices the text in without turning it back into objects', () => {
    const p = preEncoded();
    p.toJSON = () => {
      throw new Error('parsed back');
    };
    expect(new liveParser.Encoder().encode(event(p))).toEqual(new Encoder().encode(event(batch)));
    expect(() => new Encoder().encode(event(p))).toThrow('parsed back');
  });

  it('decodes back to the batch', async () => {
    const packet = await decode(new liveParser.Encoder().encode(event(preEncoded())));
    expect(packet).toMatchObject({ type: PacketType.EVENT, nsp: '/live', data: ['positions', batch] });
  });

  it('leaves every other packet to socket.io, and an acknowledged emit is encoded the ordinary way', () => {
    const live = new liveParser.Encoder();
    const plain = new Encoder();
    const others: Packet[] = [
      { type: PacketType.EVENT, nsp: '/live', data: ['alert', { alertId: 'A1' }] },
      { type: PacketType.ACK, nsp: '/live', id: 3, data: [{ ok: true }] },
      { type: PacketType.CONNECT, nsp: '/live', data: { sid: 'x' } },
    ];
    for (const p of others) expect(live.encode(p)).toEqual(plain.encode(p));
    expect(live.encode({ ...event(preEncoded()), id: 7 })).toEqual(plain.encode({ ...event(batch), id: 7 }));
  });

  it('still sends the right payload through an encoder that does not know PreEncoded', () => {
    expect(new Encoder().encode(event(preEncoded()))).toEqual(new Encoder().encode(event(batch)));
  });
});

describe('asciiJson', () => {
  it('escapes every non-ASCII character and parses back to the same value', () => {
    const value = { plate: '粤B12345', note: 'ümlaut 😀', plain: 'ABC', n: 1.5 };
    const text = asciiJson(value);
    expect(text).toMatch(/^[\x20-\x7e]+$/);
    expect(text).toContain('\\u7ca4B12345');
    expect(JSON.parse(text)).toEqual(value);
    expect(asciiJson({ plain: 'ABC' })).toBe(JSON.stringify({ plain: 'ABC' }));
  });
});
