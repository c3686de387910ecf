import { AlertRepository, LowerPlatformRepository, RegistryRepository, type AuditRepository, type StoragePool } from '@roadwatch/storage';
import type { SendInspectionUseCase } from '../inspection/usecases/send-inspection/send-inspection.usecase';
import {
  DeleteLowerPlatformUseCase,
  ReviewDiscoveredVehicleUseCase,
  SaveLowerPlatformUseCase,
  SendLowerPlatformInspectionUseCase,
  SendLowerPlatformSupervisionUseCase,
} from './lower-platform.usecases';

/** JT/T 809 lower platforms (issue #17): reads and use cases the controller calls. */
export interface LowerPlatformsApi {
  platforms: LowerPlatformRepository;
  save: SaveLowerPlatformUseCase;
  delete: DeleteLowerPlatformUseCase;
  review: ReviewDiscoveredVehicleUseCase;
  inspect: SendLowerPlatformInspectionUseCase;
  supervise: SendLowerPlatformSupervisionUseCase;
  /** The access codes logged in now, when the gateway runs in this process (the embedded default). */
  online?: (() => number[]) | undefined;
}

export const lowerPlatformsApiOf = (
  pool: StoragePool,
  audit: AuditRepository,
  sendInspection: SendInspectionUseCase,
  online?: () => number[],
): LowerPlatformsApi => {
  const platforms = new LowerPlatformRepository(pool);
  return {
    platforms,
    save: new SaveLowerPlatformUseCase(platforms, new RegistryRepository(pool), audit),
    delete: new DeleteLowerPlatformUseCase(platforms, audit),
    review: new ReviewDiscoveredVehicleUseCase(platforms, audit),
    inspect: new SendLowerPlatformInspectionUseCase(platforms, sendInspection),
    supervise: new SendLowerPlatformSupervisionUseCase(platforms, new AlertRepository(pool), new RegistryRepository(pool)),
    online,
  };
};
