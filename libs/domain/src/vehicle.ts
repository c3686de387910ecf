/**
 * Vehicle registry facts the rules need. RULES.md "Vehicle classes":
 * 两客 = tour_coach + long_distance_bus, 一危 = hazmat, heavy_truck = ≥ 12 t.
 */
export const VEHICLE_CLASSES = ['tour_coach', 'long_distance_bus', 'hazmat', 'heavy_truck', 'other'] as const;
export type VehicleClass = (typeof VEHICLE_CLASSES)[number];

/** JT/T 808 / JT/T 697.7 plate colour codes (车牌颜色). */
export const PLATE_COLOURS = { blue: 1, yellow: 2, black: 3, white: 4, green: 5, yellowGreen: 6, other: 9 } as const;
export type PlateColourCode = number;

export type VehicleId = string;
export type DriverId = string;
export type CompanyId = string;

export interface VehicleFacts {
  vehicleId: VehicleId;
  plate: string;
  plateColour: PlateColourCode;
  vehicleClass: VehicleClass;
  companyId?: CompanyId;
  /** Region code (行政区划代码) the vehicle is registered in; scopes operators. */
  regionCode?: string;
  /** Long-distance bus route length one way (班线里程), RULES.md §3. */
  routeKm?: number;
  /** Tour coach trip length from its 包车 record, RULES.md §8 "02:00–05:00". */
  tripKm?: number;
  /** The vehicle's own speed cap set in the registry (RULES.md §8: class `other`). */
  ownCapKmh?: number;
  axleCount?: number;
  /** 汽车列车 (tractor + trailer) rather than a rigid truck. */
  isCombination?: boolean;
  /** Six-axle tractor with a single drive axle (46 t limit); unknown → 49 t. */
  hasSingleDriveAxle?: boolean;
  hasAirSuspension?: boolean;
  /** Non-drive axles on single (not wide) tyres: −3,000 kg adjustment. */
  hasSingleTyreNonDriveAxles?: boolean;
  /** 行驶证 最大允许总质量. */
  registeredMaxGrossKg?: number;
}

export const isPassengerClass = (vehicleClass: VehicleClass): boolean => vehicleClass === 'tour_coach' || vehicleClass === 'long_distance_bus';

/**
 * A vehicle is known by plate + plate colour (ARCHITECTURE.md "Identity"); the id is
 * derived so that every service computes the same one without a registry lookup.
 */
export const vehicleIdOf = (plate: string, plateColour: PlateColourCode): VehicleId => `${plate.trim().toUpperCase()}:${plateColour}`;

/** Positions from terminals not in the registry are kept under this id, flagged. */
export const unregisteredVehicleIdOf = (terminalId: string): VehicleId => `terminal:${terminalId}`;
