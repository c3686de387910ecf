import { expect, it } from 'vitest';
import type { TerminalRegistration, TerminalRegistrations } from './terminal-registrations';

export const sampleRegistration = (terminalId: string, overrides: Partial<TerminalRegistration> = {}): TerminalRegistration => ({
  terminalId,
  plate: '京A12345',
  plateColour: 2,
  manufacturerId: 'RW001',
  terminalModel: 'RW-T808',
  deviceId: 'DEV0001',
  provinceId: 11,
  cityId: 100,
  ...overrides,
});

/** The same behaviour from every TerminalRegistrations; run against memory (unit) and the real PostgreSQL (integration). */
export const terminalRegistryContract = (make: () => Promise<TerminalRegistrations>): void => {
  it('issues an auth code on registration and accepts it, and only it, on authentication', async () => {
    const registry = await make();
    const code = await registry.register(sampleRegistration('013900000001'));
    expect(code).toMatch(/^[0-9a-f]{16}$/);
    expect(await registry.authenticate('013900000001', code)).toBe(true);
    expect(await registry.authenticate('013900000001', `${code}x`)).toBe(false);
    expect(await registry.authenticate('013900000002', code)).toBe(false);
    await registry.close();
  });

  it('a retransmitted registration gets the code issued the first time, even with changed details', async () => {
    const registry = await make();
    const first = await registry.register(sampleRegistration('013900000003'));
    const again = await registry.register(sampleRegistration('013900000003', { plate: '京A54321', terminalModel: 'RW-T809' }));
    expect(again).toBe(first);
    await registry.close();
  });

  it('after a logout the old code is refused and a new registration issues a different one', async () => {
    const registry = await make();
    const first = await registry.register(sampleRegistration('013900000004'));
    await registry.unregister('013900000004');
    expect(await registry.authenticate('013900000004', first)).toBe(false);
    const second = await registry.register(sampleRegistration('013900000004'));
    expect(second).not.toBe(first);
    expect(await registry.authenticate('013900000004', second)).toBe(true);
    await registry.close();
  });

  it('codes of different terminals differ', async () => {
    const registry = await make();
    const codes = await Promise.all(['013900000005', '013900000006', '013900000007'].map((id) => registry.register(sampleRegistration(id))));
    expect(new Set(codes).size).toBe(3);
    await registry.close();
  });

  it("adds frame anomalies to a registered terminal's record, and knows no unregistered one", async () => {
    const registry = await make();
    await registry.register(sampleRegistration('013900000008'));
    expect(await registry.frameAnomaliesOf('013900000008')).toMatchObject({ counts: {}, lastKind: null });
    expect(await registry.recordFrameAnomalies('013900000008', { 'bad-checksum': 2, 'stray-flag': 1 }, 'stray-flag', Date.UTC(2026, 0, 1, 8))).toBe(true);
    expect(await registry.recordFrameAnomalies('013900000008', { 'bad-checksum': 3 }, 'bad-checksum', Date.UTC(2026, 0, 1, 9))).toBe(true);
    expect(await registry.frameAnomaliesOf('013900000008')).toEqual({
      counts: { 'bad-checksum': 5, 'stray-flag': 1 },
      lastKind: 'bad-checksum',
      lastAtMs: Date.UTC(2026, 0, 1, 9),
    });
    expect(await registry.recordFrameAnomalies('013900000999', { 'bad-checksum': 1 }, 'bad-checksum', 0)).toBe(false);
    expect(await registry.frameAnomaliesOf('013900000999')).toBeNull();
    await registry.close();
  });
};
