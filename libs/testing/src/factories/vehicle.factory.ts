import type { VehicleFacts } from '@roadwatch/domain';

/** A registered heavy truck (重型货车) of company C1 in Beijing; plate and colour make its id unless given. */
export const aVehicle = (overrides: Partial<VehicleFacts> = {}): VehicleFacts => {
  const plate = overrides.plate ?? '京A12345';
  const plateColour = overrides.plateColour ?? 2;
  return {
    vehicleId: `${plate}:${plateColour}`,
    plate,
    plateColour,
    vehicleClass: 'heavy_truck',
    companyId: 'C1',
    regionCode: '110000',
    ...overrides,
  };
};
