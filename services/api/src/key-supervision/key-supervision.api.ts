import type { Logger } from '@roadwatch/runtime';
import type { StoragePool } from '@roadwatch/storage';
import { KeySupervisionQueries } from './key-supervision.queries';
import { ListedVehicles } from './listed-vehicles';
import { ReleaseEntryUseCase } from './usecases/release-entry/release-entry.usecase';

/** What the API's 重点监管 controller and alert mapping use, built once by startApi. */
export interface KeySupervisionApi {
  queries: KeySupervisionQueries;
  release: ReleaseEntryUseCase;
  /** Vehicles listed now (all scopes): alerts of these are served and pushed one severity step higher. */
  listedVehicles: ListedVehicles;
}

export const createKeySupervisionApi = (pool: StoragePool, logger: Logger): KeySupervisionApi => ({
  queries: new KeySupervisionQueries(pool),
  release: new ReleaseEntryUseCase(pool),
  listedVehicles: new ListedVehicles(pool, logger),
});
