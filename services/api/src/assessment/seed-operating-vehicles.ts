import { OperatingVehicleRepository, type OperatingVehicle, type StoragePool } from '@roadwatch/storage';

/**
 * The embedded default's 运政 list: the simulated fleet as operating vehicles of the given months
 * (`yyyy-mm`), so the 考核 page has something to score. A month that already has a list (a
 * real import) is left as it is.
 */
export const seedOperatingVehicles = async (
  pool: StoragePool,
  months: readonly string[],
  vehicles: readonly OperatingVehicle[],
  by: string,
): Promise<string[]> => {
  const list = new OperatingVehicleRepository(pool);
  const imported = new Set((await list.months()).map((m) => m.listMonth));
  const seeded: string[] = [];
  for (const month of months) {
    if (imported.has(month)) continue;
    await list.replaceMonth(`${month}-01`, vehicles, by);
    seeded.push(month);
  }
  return seeded;
};
