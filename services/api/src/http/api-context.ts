import type { DriverShiftRepository } from '@roadwatch/storage';
import type { SaveDriverShiftUseCase } from '../roster/usecases/save-driver-shift/save-driver-shift.usecase';
import type { DeleteDriverShiftUseCase } from '../roster/usecases/delete-driver-shift/delete-driver-shift.usecase';
import type { Scope } from '../auth/scope';
import type { LowerPlatformsApi } from '../lower-platforms/lower-platforms-api';
import type { SignInThrottle } from '../auth/sign-in-throttle';
import type { AuditRepository } from '@roadwatch/storage';
import type { Sessions } from '../auth/sessions';
import type { TokenService } from '../auth/tokens';
import type { UsersRepository } from '../auth/users.repository';
import type { AlertsRepository } from '../repositories/alerts.repository';
import type { CasesRepository } from '../repositories/cases.repository';
import type { RegistryAdminRepository } from '../repositories/registry-admin.repository';
import type { ReportsRepository } from '../repositories/reports.repository';
import type { SitesRepository } from '../repositories/sites.repository';
import type { VehiclesRepository } from '../repositories/vehicles.repository';
import type { DeleteRegistryRecordUseCase } from '../registry/usecases/delete-registry-record/delete-registry-record.usecase';
import type { DeleteRelayUseCase } from '../registry/usecases/delete-relay/delete-relay.usecase';
import type { RegisterRelayUseCase } from '../registry/usecases/register-relay/register-relay.usecase';
import type { SaveRegistryRecordUseCase } from '../registry/usecases/save-registry-record/save-registry-record.usecase';
import type { CloseCaseUseCase, DecideCaseUseCase, ReportCaseUseCase } from '@roadwatch/case-lifecycle';
import type { AcknowledgeAlertUseCase } from '../alerts/usecases/acknowledge-alert/acknowledge-alert.usecase';
import type { InspectionRepository, PositionRepository, RelayRepository } from '@roadwatch/storage';
import type { AnswerInspectionUseCase } from '../inspection/usecases/answer-inspection/answer-inspection.usecase';
import type { SendInspectionUseCase } from '../inspection/usecases/send-inspection/send-inspection.usecase';
import type { AssessmentApi } from '../assessment/assessment-api';
import type { KeySupervisionApi } from '../key-supervision/key-supervision.api';
import type { TargetingApi } from '../targeting/targeting.api';
import type { RoutesApi } from '../routes/routes.api';
import type { TerminalGeofencesApi } from '../terminal-geofences/terminal-geofences.api';
import type { TamperingApi } from '../tampering/tampering.api';
import type { DeliveryReadModel, DeliverySettingsRepository } from '@roadwatch/storage';
import type { DeleteDeliveryRouteUseCase } from '../delivery/usecases/delete-delivery-route/delete-delivery-route.usecase';
import type { RotateDeliverySecretUseCase } from '../delivery/usecases/rotate-delivery-secret/rotate-delivery-secret.usecase';
import type { SaveDeliveryRouteUseCase } from '../delivery/usecases/save-delivery-route/save-delivery-route.usecase';
import type { HandlingRepository } from '@roadwatch/storage';
import type { ViewHandlingItemUseCase } from '../handling/usecases/view-handling-item/view-handling-item.usecase';
import type { HandleAlertUseCase } from '../handling/usecases/handle-alert/handle-alert.usecase';
import type { AppealAlertUseCase } from '../handling/usecases/appeal-alert/appeal-alert.usecase';
import type { DecideAppealUseCase } from '../handling/usecases/decide-appeal/decide-appeal.usecase';
import type { SourceTraceApi } from '../source-trace/source-trace.api';
import type { ManageSourceSiteKindsUseCase } from '../registry/usecases/manage-source-site-kinds/manage-source-site-kinds.usecase';
import type { PermitsApi } from '../permits/permits.api';

/** Everything the controllers use, built once by startApi. */
export interface ApiContext {
  tokens: TokenService;
  /** Every request's token checked against its user (exists, enabled, same token version). */
  sessions: Sessions;
  users: UsersRepository;
  audit: AuditRepository;
  /** A user was changed on this instance: their live sockets are re-checked (on every instance). */
  onUserChanged(username: string): void;
  /** Per user name and client address budgets of sign-in attempts. */
  signIn: SignInThrottle;
  vehicles: VehiclesRepository;
  alerts: AlertsRepository;
  /** libs/storage's positions: track playback. */
  positions: PositionRepository;
  reports: ReportsRepository;
  /** WIM stations and source sites (map layers). */
  sites: SitesRepository;
  cases: CasesRepository;
  /** Terminals, drivers, speed zones, WIM stations and source sites (admin). */
  registryAdmin: RegistryAdminRepository;
  /** 接驳运输 relay registrations (libs/storage's, called with the caller's `scope.filter`). */
  relays: RelayRepository;
  /** The 一超四罚 state changes after opening: each commits with its `cases.events` outbox row. */
  caseCommands: CaseCommands;
  acknowledgeAlert: AcknowledgeAlertUseCase;
  now: () => number;
  /**
   * Every registry write (admin resources, relay registrations): each a use case that commits
   * the write with its `registry.changes` event (transactional outbox).
   */
  registryCommands: RegistryCommands;
  maxTrackPoints: number;
  openApi: unknown;
  /** 考核: scores, settings, the 运政 import, recompute requests. */
  assessment: AssessmentApi;
  /** The 重点监管 list: reads in scope, the officer's release, the listed vehicles held in memory. */
  keySupervision: KeySupervisionApi;
  /** Delivery to companies: routing and secrets (use cases), attempts (read model). */
  delivery: DeliveryApi;
  /** The handling workflow (RULES §9): its records (reads) and its steps, each a use case. */
  handling: HandlingRepository;
  handlingCommands: HandlingCommands;
  /** 布控线索 (issue #15): the enforcement analyses' leads in scope and an officer's decision. */
  targeting: TargetingApi;
  /** Approved routes (issue #16): reads in scope, episodes, the administration's use cases. */
  routes: RoutesApi;
  /** 大件 audit sheets and area bans (issue #16). */
  permits: PermitsApi;
  /** Routes and areas sent to terminals and the terminals' own area/route alarms (issue #16 item 6). */
  terminalGeofences: TerminalGeofencesApi;
  /** 查岗 (libs/storage's, read with the caller's `scope.filter`) and its use cases. */
  inspections: InspectionRepository;
  inspectionCommands: InspectionCommands;
  /** The shift roster (issue #15): its reads and its writes, each a use case. */
  roster: RosterApi;
  /** 源头倒查 (issue #15): a case's trace, the officer's decision, the ranking, the grade-C layer. */
  sourceTraces: SourceTraceApi;
  /** Signal tampering (issue #16 item 5): episodes in scope, the blind-area registry. */
  tampering: TamperingApi;
  /** JT/T 809 lower platforms (issue #17): the registry, what they told us, 查岗 and 督办 over their link. */
  lowerPlatforms: LowerPlatformsApi;
  /** 货运源头单位 site kinds (issue #15): the admin's list, each write a use case, audited. */
  sourceSiteKinds: ManageSourceSiteKindsUseCase;
}

export interface RosterApi {
  shifts: DriverShiftRepository;
  save: SaveDriverShiftUseCase;
  delete: DeleteDriverShiftUseCase;
}

export interface InspectionCommands {
  send: SendInspectionUseCase;
  answer: AnswerInspectionUseCase;
}

export interface DeliveryApi {
  settings: DeliverySettingsRepository;
  reads: DeliveryReadModel;
  saveRoute: SaveDeliveryRouteUseCase;
  deleteRoute: DeleteDeliveryRouteUseCase;
  rotateSecret: RotateDeliverySecretUseCase;
}

export interface HandlingCommands {
  view: ViewHandlingItemUseCase;
  handle: HandleAlertUseCase;
  appeal: AppealAlertUseCase;
  decide: DecideAppealUseCase;
}

export interface CaseCommands {
  decide: DecideCaseUseCase;
  report: ReportCaseUseCase;
  close: CloseCaseUseCase;
}

export interface RegistryCommands {
  saveRecord: SaveRegistryRecordUseCase;
  deleteRecord: DeleteRegistryRecordUseCase;
  registerRelay: RegisterRelayUseCase;
  deleteRelay: DeleteRelayUseCase;
}

export type { Scope };
