import * as c from '@roadwatch/contracts';
import { openApiDocumentOf } from '@roadwatch/runtime';

/** OpenAPI 3.1, generated from the route table and zod schemas of libs/contracts that the handlers use. */
export const openApiDocument = openApiDocumentOf(
  {
    title: 'roadwatch API',
    version: '1.0.0',
    description:
      'Monitoring of 两客一危 vehicles and heavy trucks. Every answer is scoped server-side by the token: operators see their region code prefix, ' +
      'company users only their own company, enforcement users WIM and cases. Live feed: socket.io namespace `/live` (see `LIVE_EVENTS` in @roadwatch/contracts).',
  },
  c.apiRoutes,
  {
    LoginRequest: c.loginRequest,
    LoginResponse: c.loginResponse,
    // The signed-in user as /v1/me and the sign-in answer name it (capabilities, must-change).
    User: c.loginResponse.shape.user,
    Vehicle: c.vehicleListItem,
    Track: c.trackResponse,
    Alert: c.alertItem,
    AlertRevisions: c.alertRevisionsResponse,
    WimRecord: c.wimRecordItem,
    WimStation: c.wimStationItem,
    SourceSite: c.sourceSiteItem,
    CompanyReportRow: c.companyReportRow,
    Company: c.companyDto,
    VehicleInput: c.vehicleDto,
    VehicleRecord: c.vehicleRecordItem,
    Terminal: c.terminalItem,
    SpeedZone: c.speedZoneItem,
    Case: c.caseListItem,
    CaseDetail: c.caseDetail,
    Relay: c.relayItem,
    RelayRequest: c.relayRequest,
    AckAlertRequest: c.ackAlertRequest,
    CaseDecisionRequest: c.caseDecisionRequest,
    CaseReportRequest: c.caseReportRequest,
    CaseCloseRequest: c.caseCloseRequest,
    UserItem: c.userItem,
    CreateUserRequest: c.createUserRequest,
    UpdateUserRequest: c.updateUserRequest,
    ResetPasswordRequest: c.resetPasswordRequest,
    PasswordIssued: c.passwordIssued,
    ChangePasswordRequest: c.changePasswordRequest,
    AuditEntry: c.auditItem,
  },
);
