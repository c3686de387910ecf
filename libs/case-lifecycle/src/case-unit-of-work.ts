import type { CaseEventV1 } from '@roadwatch/contracts';
import {
  appendCaseEvents,
  CaseHistoryRepository,
  CaseRepository,
  inStorageTransaction,
  OverloadViolationRepository,
  RegistryRepository,
  SourceTraceRepository,
  type StoragePool,
} from '@roadwatch/storage';

/** The case tables' repositories over one transaction, and its `cases.events` outbox. */
export interface CaseTransaction {
  cases: CaseRepository;
  violations: OverloadViolationRepository;
  history: CaseHistoryRepository;
  registry: RegistryRepository;
  /** 源头倒查's reads and `source_traces` (written at case opening). */
  sourceTraces: SourceTraceRepository;
  /** Queues events for `cases.events`: they go out after (and only if) the transaction commits. */
  publish(events: readonly CaseEventV1[]): Promise<void>;
}

/**
 * One case state change: its writes to the case tables and its `cases.events` outbox rows
 * commit in one transaction, or neither does (no dual write). After the commit the outbox
 * relay is told to publish (`committed`, awaited: the relay's kick).
 */
export class CaseUnitOfWork {
  constructor(
    private readonly pool: StoragePool,
    private readonly committed: () => Promise<unknown> | void = () => undefined,
  ) {}

  async run<T>(work: (tx: CaseTransaction) => Promise<T>): Promise<T> {
    const result = await inStorageTransaction(this.pool, (db) =>
      work({
        cases: new CaseRepository(db),
        violations: new OverloadViolationRepository(db),
        history: new CaseHistoryRepository(db),
        registry: new RegistryRepository(db),
        sourceTraces: new SourceTraceRepository(db),
        publish: (events) => appendCaseEvents(db, events),
      }),
    );
    await this.committed();
    return result;
  }
}
