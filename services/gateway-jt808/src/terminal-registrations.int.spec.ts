import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, dropStorageSchema, migrate, RegistryRepository, type StoragePool } from '@roadwatch/storage';
import { infraEnv } from '@roadwatch/testing';
import { PostgresTerminalRegistrations } from './terminal-registrations';
import { sampleRegistration, terminalRegistryContract } from './terminal-registrations.contract';

const { databaseUrl } = infraEnv();
const schema = `rw_gateway_terminals_${randomBytes(4).toString('hex')}`;
let admin: StoragePool;

/** A gateway's registry on the migrated schema; each gateway has its own pool, as after a restart. */
const gatewayRegistry = (): PostgresTerminalRegistrations => new PostgresTerminalRegistrations(createPool(databaseUrl, { schema, max: 2 }));

beforeAll(async () => {
  admin = createPool(databaseUrl, { schema, max: 2 });
  await migrate(admin);
});

afterAll(async () => {
  await dropStorageSchema(admin, schema);
  await admin.end();
});

describe('PostgresTerminalRegistrations on the registry tables of the real PostgreSQL server', () => {
  terminalRegistryContract(async () => gatewayRegistry());

  it('a terminal authenticates with its code after a gateway restart; concurrent retransmissions agree on one code; the registry shows what it declared', async () => {
    const before = gatewayRegistry();
    const codes = await Promise.all([1, 2, 3].map(() => before.register(sampleRegistration('13600000001'))));
    expect(new Set(codes).size).toBe(1);
    await before.close();

    const after = gatewayRegistry();
    expect(await after.authenticate('13600000001', codes[0] as string)).toBe(true);
    await after.close();
    const row = await new RegistryRepository(admin).terminal('13600000001');
    expect(row).toMatchObject({
      declaredPlate: '京A12345',
      declaredPlateColour: 2,
      model: 'RW-T808',
      manufacturerId: 'RW001',
      deviceId: 'DEV0001',
      authCode: codes[0],
    });
    expect(row?.registeredAtMs).toBeGreaterThan(Date.now() - 60_000);
    expect(row?.lastAuthAtMs).toBeGreaterThanOrEqual(row?.registeredAtMs ?? Infinity);
  });

  it('a terminal an administrator registered padded (013…) keeps its vehicle binding when it registers unpadded, and logout keeps the binding', async () => {
    const registry = new RegistryRepository(admin);
    await registry.upsertCompany({ companyId: 'GW-C1', name: '测试运输公司' });
    await registry.upsertVehicle({ vehicleId: 'GW-V1', plate: '京B00001', plateColour: 2, vehicleClass: 'heavy_truck', companyId: 'GW-C1' });
    await registry.upsertTerminal({ terminalId: '013600000002', vehicleId: 'GW-V1' });
    const gateway = gatewayRegistry();
    const code = await gateway.register(sampleRegistration('13600000002', { plate: '京B00001' }));
    expect(await gateway.authenticate('13600000002', code)).toBe(true);
    expect(await registry.terminal('013600000002')).toMatchObject({ vehicleId: 'GW-V1', authCode: code, declaredPlate: '京B00001' });
    expect(await registry.terminal('13600000002')).toBeUndefined();

    await gateway.unregister('13600000002');
    expect(await gateway.authenticate('13600000002', code)).toBe(false);
    const after = await registry.terminal('013600000002');
    expect(after?.vehicleId).toBe('GW-V1');
    expect(after?.authCode).toBeUndefined();
    await gateway.close();
  });
});
