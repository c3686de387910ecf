import type { AreaBanRequest } from '@roadwatch/contracts';
import { AreaBanRepository, type StoragePool } from '@roadwatch/storage';
import { Scope } from '../auth/scope';
import { PermitsApi } from './permits.api';

/**
 * The demo seed's area bans (the embedded default), written through the API's own use case:
 * checked as the rules read them and audited as `system:demo-seed`. A ban already there — the
 * seed's from an earlier start, or one an administrator changed or retired — is left as it is.
 */
export const seedAreaBans = async (pool: StoragePool, bans: readonly AreaBanRequest[], now: () => number = Date.now): Promise<number> => {
  const api = new PermitsApi(pool);
  const repository = new AreaBanRepository(pool);
  const scope = Scope.of({ username: 'system:demo-seed', role: 'admin' });
  let written = 0;
  for (const ban of bans) {
    if (await repository.exists(ban.banId)) continue;
    await api.saveBan(scope, ban.banId, ban, now(), undefined);
    written += 1;
  }
  return written;
};
