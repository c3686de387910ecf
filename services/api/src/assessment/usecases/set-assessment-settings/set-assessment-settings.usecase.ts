import { assessmentConfigFor, assessmentConfigPatchIssues, type AssessmentConfig, type AssessmentConfigPatch } from '@roadwatch/rules';
import type { AssessmentSettingsRepository, AuditRepository } from '@roadwatch/storage';
import { AssessmentCommandError } from '../../assessment-command.error';
import type { SetAssessmentSettingsCommand } from './set-assessment-settings.command';

/**
 * RULES §10: the tables are configurable per region. The patch is checked key by key against
 * the 2016 table (a misspelt key or a line outside 0–100 is a 400 naming it, never a silent
 * default); an empty patch puts the region back on the defaults. Audited with before and after.
 */
export class SetAssessmentSettingsUseCase {
  constructor(
    private readonly settings: AssessmentSettingsRepository,
    private readonly audit: AuditRepository,
  ) {}

  async execute({
    scope,
    regionCode,
    configPatch,
  }: SetAssessmentSettingsCommand): Promise<{ regionCode: string; configPatch: AssessmentConfigPatch; effective: AssessmentConfig }> {
    const issues = assessmentConfigPatchIssues(configPatch);
    if (issues.length > 0) throw new AssessmentCommandError(issues.join('; '), `body.configPatch.${issues[0]?.split(':')[0] ?? ''}`);
    const patch = configPatch as AssessmentConfigPatch;
    const before = (await this.settings.all()).find((s) => s.regionCode === regionCode)?.configPatch;
    await this.settings.put(regionCode, patch, scope.principal.username);
    await this.audit.record({
      actor: scope.principal.username,
      action: 'assessment.settings',
      target: `assessment-settings/${regionCode}`,
      outcome: 'success',
      changes: { configPatch: { before, after: patch } },
    });
    return { regionCode, configPatch: patch, effective: assessmentConfigFor(patch) };
  }
}
