import type { Logger } from '@roadwatch/runtime';
import { KeySupervisionRepository, type StoragePool } from '@roadwatch/storage';

/**
 * The vehicles on the 重点监管 list now, held in memory and reloaded every `refreshMs`: every
 * alert the API serves or pushes asks it (`raisedSeverity` for display and routing) and must
 * not cost a query. A failed reload keeps the last set and is logged.
 */
export class ListedVehicles {
  private ids = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private loading: Promise<void> = Promise.resolve();

  constructor(
    private readonly pool: StoragePool,
    private readonly logger: Logger,
  ) {}

  has(vehicleId: string): boolean {
    return this.ids.has(vehicleId);
  }

  /** Reloads now (after a release, so the change shows at once); resolves when done. */
  refresh(): Promise<void> {
    this.loading = this.loading
      .then(async () => {
        this.ids = new Set(await new KeySupervisionRepository(this.pool).listedVehicleIds());
      })
      .catch((error: unknown) => this.logger.warn({ err: error }, '重点监管 listed vehicles reload failed; the last set stays'));
    return this.loading;
  }

  start(refreshMs: number): Promise<void> {
    // refresh() logs its own failures and never rejects.
    this.timer = setInterval(() => {
      this.refresh().catch(() => undefined);
    }, refreshMs);
    this.timer.unref();
    return this.refresh();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.loading;
  }
}
