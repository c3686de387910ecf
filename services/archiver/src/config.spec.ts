import { describe, expect, it } from 'vitest';
import { EnvError } from '@roadwatch/contracts';
import { loadArchiverConfig } from './config';

describe('archiver configuration', () => {
  it('names its consumer group from ARCHIVER_GROUP_ID, `archiver` by default (groups are not prefixed with the topics)', () => {
    expect(loadArchiverConfig({}).ARCHIVER_GROUP_ID).toBe('archiver');
    expect(loadArchiverConfig({ ARCHIVER_GROUP_ID: 'chain_bench_1-archiver' }).ARCHIVER_GROUP_ID).toBe('chain_bench_1-archiver');
  });

  it('refuses an empty group id, naming the variable', () => {
    expect(() => loadArchiverConfig({ ARCHIVER_GROUP_ID: '' })).toThrow(EnvError);
    expect(() => loadArchiverConfig({ ARCHIVER_GROUP_ID: '' })).toThrow(/ARCHIVER_GROUP_ID/);
  });
});
