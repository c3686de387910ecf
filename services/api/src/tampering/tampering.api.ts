import { BlindAreaRepository, TamperingRepository, type StoragePool } from '@roadwatch/storage';
import { DeleteBlindAreaUseCase, SaveBlindAreaUseCase } from './usecases/blind-area.usecases';

/** What the API's tampering controller uses (RULES §12, §15), built once by startApi. */
export interface TamperingApi {
  /** Episodes (written by services/enforcement), read with the caller's `scope.filter`. */
  episodes: TamperingRepository;
  blindAreas: BlindAreaRepository;
  saveBlindArea: SaveBlindAreaUseCase;
  deleteBlindArea: DeleteBlindAreaUseCase;
}

export const createTamperingApi = (pool: StoragePool): TamperingApi => ({
  episodes: new TamperingRepository(pool),
  blindAreas: new BlindAreaRepository(pool),
  saveBlindArea: new SaveBlindAreaUseCase(pool),
  deleteBlindArea: new DeleteBlindAreaUseCase(pool),
});
