import { TargetingRepository, type StoragePool } from '@roadwatch/storage';
import { DecideTargetingUseCase } from './usecases/decide-targeting/decide-targeting.usecase';

/** What the API's 布控线索 controller uses, built once by startApi. */
export interface TargetingApi {
  /** Reads, always called with the caller's `scope.filter`. */
  leads: TargetingRepository;
  decide: DecideTargetingUseCase;
}

export const createTargetingApi = (pool: StoragePool): TargetingApi => ({ leads: new TargetingRepository(pool), decide: new DecideTargetingUseCase(pool) });
