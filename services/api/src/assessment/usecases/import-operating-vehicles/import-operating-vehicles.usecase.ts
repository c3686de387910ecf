import type { OperatingVehiclesImportResponse } from '@roadwatch/contracts';
import type { AuditRepository, OperatingVehicleRepository } from '@roadwatch/storage';
import { AssessmentCommandError } from '../../assessment-command.error';
import { validateOperatingVehicleRows } from '../../operating-vehicle-rows';
import { readSheet, UnreadableFileError } from '../../operating-vehicles-file';
import type { ImportOperatingVehiclesCommand } from './import-operating-vehicles.command';

/**
 * The 运政 list of one month (issue #14 item 4; RULES §15: the month-end list is 入网率's
 * denominator): read as CSV or XLSX, every row checked, the valid ones replacing the month — an
 * operator's only its region's rows, which must all lie in it — and the bad ones answered with
 * their row numbers and reasons. A file with no valid row changes nothing (an empty list would
 * leave every company of the month unassessed), and says so. Audited.
 */
export class ImportOperatingVehiclesUseCase {
  constructor(
    private readonly list: OperatingVehicleRepository,
    private readonly audit: AuditRepository,
  ) {}

  async execute({ scope, month, body, contentType }: ImportOperatingVehiclesCommand): Promise<OperatingVehiclesImportResponse> {
    if (!Buffer.isBuffer(body) || body.length === 0)
      throw new AssessmentCommandError('send the file as the body with Content-Type text/csv or the XLSX type', 'body');
    const sheet = await readSheet(body, contentType).catch((error: unknown) => {
      if (error instanceof UnreadableFileError) throw new AssessmentCommandError(error.message, 'body');
      throw error;
    });
    const regionPrefix = scope.kind === 'region' ? scope.value : undefined;
    const { vehicles, rejected, missingColumns } = validateOperatingVehicleRows(sheet.rows, sheet.headers, regionPrefix);
    if (missingColumns.length > 0) throw new AssessmentCommandError(`the header lacks the column(s) ${missingColumns.join(', ')}`, 'body');
    if (vehicles.length === 0) {
      return {
        month,
        accepted: 0,
        replaced: 0,
        rejected: rejected.length > 0 ? rejected : [{ row: 1, reason: 'the file lists no vehicle: the month is left as it was' }],
      };
    }
    const { deleted } = await this.list.replaceMonth(`${month}-01`, vehicles, scope.principal.username, regionPrefix);
    await this.audit.record({
      actor: scope.principal.username,
      action: 'assessment.import',
      target: `operating-vehicles/${month}${regionPrefix ? `/${regionPrefix}` : ''}`,
      outcome: 'success',
      changes: { vehicles: { after: vehicles.length }, replaced: { before: deleted }, rejectedRows: { after: rejected.length } },
    });
    return { month, accepted: vehicles.length, replaced: deleted, rejected };
  }
}
