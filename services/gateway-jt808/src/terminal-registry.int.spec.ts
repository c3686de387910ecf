import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { infraEnv, uniqueName } from '@roadwatch/testing';
import { PostgresTerminalRegistry } from './terminal-registry';
import { sampleRegistration, terminalRegistryContract } from './terminal-registry.contract';

const { databaseUrl } = infraEnv();
const tables: string[] = [];
const admin = new pg.Pool({ connectionString: databaseUrl, max: 1 });

const freshRegistry = (table: string): PostgresTerminalRegistry => new PostgresTerminalRegistry(new pg.Pool({ connectionString: databaseUrl, max: 2 }), table);

afterAll(async () => {
  for (const table of tables) await admin.query(`DROP TABLE IF EXISTS ${table}`);
  await admin.end();
});

describe('PostgresTerminalRegistry on the real PostgreSQL server', () => {
  terminalRegistryContract(async () => {
    const table = uniqueName('test_terminal_registrations');
    tables.push(table);
    return freshRegistry(table);
  });

  it('a terminal authenticates with its code after a gateway restart, and concurrent retransmissions agree on one code', async () => {
    const table = uniqueName('test_terminal_registrations');
    tables.push(table);
    const before = freshRegistry(table);
    const codes = await Promise.all([1, 2, 3].map(() => before.register(sampleRegistration('013600000001'))));
    expect(new Set(codes).size).toBe(1);
    await before.close();

    const after = freshRegistry(table);
    expect(await after.authenticate('013600000001', codes[0] as string)).toBe(true);
    const { rows } = await admin.query(`SELECT plate, plate_colour, terminal_model FROM ${table} WHERE terminal_id = $1`, ['013600000001']);
    expect(rows).toEqual([{ plate: '京A12345', plate_colour: 2, terminal_model: 'RW-T808' }]);
    await after.close();
  });

  it('refuses a table name that could inject SQL', () => {
    expect(() => new PostgresTerminalRegistry(admin, 'x; DROP TABLE vehicles', false)).toThrow(/bad table name/);
  });
});
