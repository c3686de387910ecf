import { companyDto, driverDto, sourceSiteDto, vehicleDto, wimStationDto } from '@roadwatch/contracts';
import type { z } from 'zod';
import { badField } from '../../registry-command.error';
import type { RegistryUnitOfWork } from '../../registry-unit-of-work';
import { saveRegistryRecord, type SaveOutcome } from '../save-registry-record/save-registry-record.usecase';
import type { SeedRegistryCommand } from './seed-registry.command';

export type SeedCounts = Record<SaveOutcome['outcome'], number>;

/**
 * Upserts every record of the seed in one transaction, companies before the vehicles and
 * sites that name them; a record its schema refuses is named (`vehicles[3].plate: …`) and
 * nothing is written. Answers how many records were created, updated and left unchanged.
 */
export class SeedRegistryUseCase {
  constructor(private readonly unitOfWork: RegistryUnitOfWork) {}

  execute(command: SeedRegistryCommand): Promise<SeedCounts> {
    const batches: Array<{ key: keyof SeedRegistryCommand; resource: string; schema: z.ZodType<Record<string, unknown>>; records: readonly unknown[] }> = [
      { key: 'companies', resource: 'companies', schema: companyDto, records: command.companies ?? [] },
      { key: 'vehicles', resource: 'vehicles', schema: vehicleDto, records: command.vehicles ?? [] },
      { key: 'drivers', resource: 'drivers', schema: driverDto, records: command.drivers ?? [] },
      { key: 'wimStations', resource: 'wim-stations', schema: wimStationDto as z.ZodType<Record<string, unknown>>, records: command.wimStations ?? [] },
      { key: 'sourceSites', resource: 'source-sites', schema: sourceSiteDto as z.ZodType<Record<string, unknown>>, records: command.sourceSites ?? [] },
    ];
    return this.unitOfWork.run(async (repositories, changed) => {
      const counts: SeedCounts = { created: 0, updated: 0, unchanged: 0 };
      for (const { key, resource, schema, records } of batches) {
        for (const [index, raw] of records.entries()) {
          const parsed = schema.safeParse(raw);
          if (!parsed.success) {
            const issue = parsed.error.issues[0]!;
            badField(`${key}[${index}].${issue.path.join('.')}`, issue.message);
          }
          const { outcome } = await saveRegistryRecord(repositories, changed, { by: command.by, resource, mode: 'upsert', record: parsed.data! });
          counts[outcome] += 1;
        }
      }
      return counts;
    });
  }
}
