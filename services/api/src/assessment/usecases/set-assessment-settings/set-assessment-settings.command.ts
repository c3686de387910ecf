import type { Scope } from '../../../auth/scope';

/** Set a region's override of the 2016 table (`PUT /v1/admin/assessment/settings/:regionCode`). */
export interface SetAssessmentSettingsCommand {
  scope: Scope;
  regionCode: string;
  configPatch: Record<string, unknown>;
}
