import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../bytes.js';
import { decodeFrame, encodeFrame, type Jt808Message } from '../codec.js';
import { FIXTURE_DIR, parseFixture } from '../testing/fixtures.js';
import { alarmFlagsFrom, findLocationItem, statusFlagsFrom, type LocationReport } from './0200-location-report.js';

const frames = (file: string) => parseFixture(file, readFileSync(new URL(file, FIXTURE_DIR), 'utf8'));
function location(file: string, index: number): { message: Jt808Message; body: LocationReport } {
  const message = decodeFrame(frames(file)[index]!.bytes);
  if (message.messageId !== 0x0200) throw new Error(`not a 0x0200: ${message.messageId}`);
  return { message, body: message.body };
}

describe('0x0200 location report', () => {
  it('decodes a real terminal frame (Traccar fixture): position, time, alarm and items', () => {
    const { message, body } = location('0200-location-report.2013.hex', 0);
    expect(message.header.terminalPhone).toBe('012345678901');
    expect(message.header.serial).toBe(0x0013);
    expect(body.alarms.mainPowerUndervoltage).toBe(true);
    expect(body.alarms.emergency).toBe(false);
    expect(body.status.accOn).toBe(true);
    expect(body.status.positioned).toBe(true);
    expect(body.latitudeDeg).toBeCloseTo(22.641605, 6);
    expect(body.longitudeDeg).toBeCloseTo(114.032486, 6);
    expect(body.altitudeM).toBe(235);
    expect(body.speedKmh).toBe(0);
    expect(body.directionDeg).toBe(341);
    // 21-07-26 20:35:31 in China is 12:35:31 UTC.
    expect(new Date(body.deviceTimeMs!).toISOString()).toBe('2021-07-26T12:35:31.000Z');
    expect(findLocationItem(body.items, 'mileage')?.mileageKm).toBe(0);
    expect(body.items.find((item) => item.id === 0xeb)?.type).toBe('raw');
  });

  it('decodes mileage, fuel and recorder speed in their units', () => {
    const { body } = location('0200-location-report.2013.hex', 3);
    expect(findLocationItem(body.items, 'mileage')?.mileageKm).toBe(75.7);
    expect(findLocationItem(body.items, 'fuel')?.fuelL).toBe(0);
    expect(findLocationItem(body.items, 'recorder-speed')?.recorderSpeedKmh).toBe(0);
    expect(body.altitudeM).toBe(128);
    expect(body.status.positioned).toBe(true);
  });

  it('decodes IO status, signal strength and satellites', () => {
    const { body } = location('0200-location-report.2013.hex', 4);
    expect(findLocationItem(body.items, 'io-status')).toMatchObject({ deepSleep: false, sleep: false });
    expect(findLocationItem(body.items, 'signal-strength')?.signalStrength).toBe(27);
    expect(findLocationItem(body.items, 'satellites')?.satellites).toBe(3);
  });

  it('keeps a malformed item tail instead of losing the position', () => {
    const { body } = location('0200-location-report.2013.hex', 2);
    // Status 0x1c: this terminal sets the south/west bits, so the signs follow them.
    expect(body.latitudeDeg).toBeCloseTo(-27.455656, 6);
    expect(body.items.at(-1)?.type).toBe('unparsed-tail');
  });

  it('decodes every typed item of the generated frame, with escapes in header and item', () => {
    const { message, body } = location('0200-location-report.2013.hex', 5);
    expect(message.header.serial).toBe(0x7e7d);
    expect(body.alarms.overspeed && body.alarms.areaInOut).toBe(true);
    expect(body.status.beidouUsed && body.status.gpsUsed).toBe(true);
    expect(body.speedKmh).toBe(87.5);
    expect(findLocationItem(body.items, 'overspeed')).toMatchObject({ locationType: 1, areaId: 7 });
    expect(findLocationItem(body.items, 'area-in-out')).toMatchObject({ locationType: 2, areaId: 9, direction: 'out' });
    expect(findLocationItem(body.items, 'vehicle-signals')?.signals).toMatchObject({ lowBeam: true, highBeam: true, braking: true, reverse: false });
    expect(findLocationItem(body.items, 'fuel')?.fuelL).toBe(310.5);
    expect(findLocationItem(body.items, 'mileage')?.mileageKm).toBe(123456.7);
    const raw = body.items.find((item) => item.id === 0xe1);
    expect(raw?.type === 'raw' && bytesToHex(raw.value)).toBe('7e7d01');
  });

  it('reads south and west from status bits 2 and 3', () => {
    const { body } = location('0200-location-report.2013.hex', 6);
    expect(body.status.southLatitude && body.status.westLongitude).toBe(true);
    expect(body.latitudeDeg).toBeCloseTo(-33.86882, 6);
    expect(body.longitudeDeg).toBeCloseTo(-70.6693, 6);
  });

  it('decodes the 2019 frame with its 10-byte phone', () => {
    const { message, body } = location('0200-location-report.2019.hex', 0);
    expect(message.header).toMatchObject({ edition: '2019', protocolVersion: 1, terminalPhone: '00000000013912345678' });
    expect(new Date(body.deviceTimeMs!).toISOString()).toBe('2024-05-17T06:30:15.000Z');
  });

  it('round-trips an encoded report built from named flags', () => {
    const report: LocationReport = {
      ...location('0200-location-report.2013.hex', 5).body,
      alarmFlags: alarmFlagsFrom({ fatigueDriving: true }),
      statusFlags: statusFlagsFrom({ accOn: true }),
    };
    const frame = encodeFrame({ messageId: 0x0200, terminalPhone: '13912345678', serial: 1 }, report);
    const decoded = decodeFrame(frame);
    expect(decoded.messageId === 0x0200 && decoded.body.alarms.fatigueDriving).toBe(true);
    expect(decoded.header.terminalPhone).toBe('013912345678');
  });
});
