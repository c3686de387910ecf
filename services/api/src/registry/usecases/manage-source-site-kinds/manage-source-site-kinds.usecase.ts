import type { SourceSiteKindCreateRequest, SourceSiteKindItem, SourceSiteKindRenameRequest } from '@roadwatch/contracts';
import { AuditRepository, inStorageTransaction, SourceSiteKindRepository, type AuditContext, type StoragePool } from '@roadwatch/storage';
import { fieldChanges } from '../../registry-unit-of-work';
import { conflict, notFound } from '../../registry-command.error';

/**
 * The admin's list of 货运源头单位 site kinds (`source_site_kinds`, RULES.md §13): add, rename,
 * retire while no site is of that kind. Each write commits with its audit entry in one
 * transaction; a refusal (code taken, no such kind, kind in use) writes nothing. The caller
 * has checked the admin capability.
 */
export class ManageSourceSiteKindsUseCase {
  constructor(private readonly pool: StoragePool) {}

  list(): Promise<SourceSiteKindItem[]> {
    return new SourceSiteKindRepository(this.pool).list();
  }

  add(by: AuditContext, request: SourceSiteKindCreateRequest): Promise<SourceSiteKindItem> {
    return this.inTransaction(async (kinds, audit) => {
      if (!(await kinds.add(request))) conflict(`site kind ${request.kindCode} exists`);
      const added = (await kinds.get(request.kindCode))!;
      await audit.record({
        ...by,
        action: 'registry.create',
        target: `source-site-kinds/${request.kindCode}`,
        outcome: 'success',
        changes: fieldChanges(undefined, added),
      });
      return added;
    });
  }

  rename(by: AuditContext, kindCode: string, request: SourceSiteKindRenameRequest): Promise<SourceSiteKindItem> {
    return this.inTransaction(async (kinds, audit) => {
      const before = (await kinds.get(kindCode)) ?? notFound('site kind', kindCode);
      await kinds.rename({ kindCode, ...request });
      const after = (await kinds.get(kindCode))!;
      await audit.record({
        ...by,
        action: 'registry.update',
        target: `source-site-kinds/${kindCode}`,
        outcome: 'success',
        changes: fieldChanges(before, after),
      });
      return after;
    });
  }

  retire(by: AuditContext, kindCode: string): Promise<void> {
    return this.inTransaction(async (kinds, audit) => {
      const before = (await kinds.get(kindCode)) ?? notFound('site kind', kindCode);
      const outcome = await kinds.retire(kindCode);
      if (outcome === 'absent') notFound('site kind', kindCode);
      if (outcome === 'in_use') conflict(`site kind ${kindCode} is used by ${before.siteCount} source site(s); change their kind first`);
      await audit.record({
        ...by,
        action: 'registry.delete',
        target: `source-site-kinds/${kindCode}`,
        outcome: 'success',
        changes: fieldChanges(before, undefined),
      });
    });
  }

  private inTransaction<T>(work: (kinds: SourceSiteKindRepository, audit: AuditRepository) => Promise<T>): Promise<T> {
    return inStorageTransaction(this.pool, (tx) => work(new SourceSiteKindRepository(tx), new AuditRepository(tx)));
  }
}
