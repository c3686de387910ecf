import { describe, expect, it } from 'vitest';
import type { TerminalAreaAlarmItem, TerminalDownlinkItem } from '@roadwatch/contracts';
import { alarmLine, downlinkLine } from './terminal-geofence-control';

// 2026-06-01 10:00:00 in China (UTC+8).
const AT = Date.UTC(2026, 5, 1, 2, 0, 0);
const send = (over: Partial<TerminalDownlinkItem> = {}): TerminalDownlinkItem => ({
  commandId: 'c',
  vehicleId: '京A10000:2',
  terminalId: '13800000000',
  messageId: 0x8606,
  geofenceId: 7,
  sourceKind: 'route',
  sourceId: 'BX-1',
  name: '房山—东城班线',
  requestedBy: 'operator',
  requestedAtMs: AT,
  status: 'requested',
  ...over,
});
const alarm = (over: Partial<TerminalAreaAlarmItem> = {}): TerminalAreaAlarmItem => ({
  vehicleId: '京A10000:2',
  terminalId: '13800000000',
  registered: true,
  deviceTimeMs: AT,
  receivedAtMs: AT,
  kind: 'route_in_out',
  alarmFlags: 1 << 21,
  latitudeDeg: 39.9,
  longitudeDeg: 116.4,
  speedKmh: 40,
  evidenceOnly: true,
  ...over,
});

describe('the vehicle card’s terminal routes and areas', () => {
  it('a send: local time, name, the terminal’s answer in Chinese (English on demand), the reason when there is one', () => {
    expect(downlinkLine(send({ status: 'acknowledged' }))).toBe('06-01 10:00:00 房山—东城班线 · 终端已确认');
    expect(downlinkLine(send({ status: 'undeliverable', reason: 'terminal not connected to any gateway instance' }))).toBe(
      '06-01 10:00:00 房山—东城班线 · 终端不在线 (terminal not connected to any gateway instance)',
    );
    expect(downlinkLine(send({ status: 'unsupported' }), 'en')).toBe('06-01 10:00:00 房山—东城班线 · Unsupported by terminal');
  });

  it('an alarm names what the platform sent under its id, else the bare id, else nothing', () => {
    expect(alarmLine(alarm({ areaId: 7, direction: 'out', geofence: { sourceKind: 'route', sourceId: 'BX-1', name: '房山—东城班线' } }))).toBe(
      '06-01 10:00:00 进出路线 出 房山—东城班线',
    );
    expect(alarmLine(alarm({ kind: 'area_in_out', areaId: 99, direction: 'in' }))).toBe('06-01 10:00:00 进出区域 进 #99');
    expect(alarmLine(alarm({ kind: 'route_deviation' }))).toBe('06-01 10:00:00 路线偏离');
    expect(alarmLine(alarm({ kind: 'segment_driving_time', segmentId: 3 }), 'en')).toBe('06-01 10:00:00 Segment driving time');
  });
});
