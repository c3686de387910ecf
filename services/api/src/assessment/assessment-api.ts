import {
  AssessmentRecomputeRequestRepository,
  AssessmentScoreReadModel,
  AssessmentSettingsRepository,
  OperatingVehicleRepository,
  type AuditRepository,
  type StoragePool,
} from '@roadwatch/storage';
import { ImportOperatingVehiclesUseCase } from './usecases/import-operating-vehicles/import-operating-vehicles.usecase';
import { RequestRecomputeUseCase } from './usecases/request-recompute/request-recompute.usecase';
import { SetAssessmentSettingsUseCase } from './usecases/set-assessment-settings/set-assessment-settings.usecase';

/** What the 考核 controller uses: reads through the repositories, every change through its use case. */
export interface AssessmentApi {
  scores: AssessmentScoreReadModel;
  settings: AssessmentSettingsRepository;
  importOperatingVehicles: ImportOperatingVehiclesUseCase;
  setSettings: SetAssessmentSettingsUseCase;
  requestRecompute: RequestRecomputeUseCase;
}

export const assessmentApi = (pool: StoragePool, audit: AuditRepository, now: () => number): AssessmentApi => {
  const settings = new AssessmentSettingsRepository(pool);
  return {
    scores: new AssessmentScoreReadModel(pool),
    settings,
    importOperatingVehicles: new ImportOperatingVehiclesUseCase(new OperatingVehicleRepository(pool), audit),
    setSettings: new SetAssessmentSettingsUseCase(settings, audit),
    requestRecompute: new RequestRecomputeUseCase(new AssessmentRecomputeRequestRepository(pool), audit, now),
  };
};
