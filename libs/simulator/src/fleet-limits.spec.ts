import { describe, expect, it } from 'vitest';
import { capSimulatedFleet, DESCRIPTORS_PER_SIMULATED_VEHICLE } from './fleet-limits';

describe('capSimulatedFleet', () => {
  it('caps a requested fleet larger than the descriptors allow: two per vehicle, after what is open and the headroom', () => {
    // This machine: 20,000 descriptors; 10,000 vehicles would need 20,000 on their own.
    expect(capSimulatedFleet(10_000, { openFilesLimit: 20_000, openNow: 60 })).toEqual({ vehicles: 8_970, capped: true, maxVehicles: 8_970 });
    expect(8_970 * DESCRIPTORS_PER_SIMULATED_VEHICLE + 60 + 2_000).toBeLessThanOrEqual(20_000);
  });

  it('leaves a fleet that fits alone, up to exactly the cap', () => {
    expect(capSimulatedFleet(200, { openFilesLimit: 20_000, openNow: 60 })).toEqual({ vehicles: 200, capped: false, maxVehicles: 8_970 });
    expect(capSimulatedFleet(8_970, { openFilesLimit: 20_000, openNow: 60 }).capped).toBe(false);
    expect(capSimulatedFleet(8_971, { openFilesLimit: 20_000, openNow: 60 })).toMatchObject({ vehicles: 8_970, capped: true });
  });

  it('keeps at least 512 descriptors free on a small limit, and never goes below zero vehicles', () => {
    expect(capSimulatedFleet(1_000, { openFilesLimit: 1_024, openNow: 100 })).toEqual({ vehicles: 206, capped: true, maxVehicles: 206 });
    expect(capSimulatedFleet(10, { openFilesLimit: 256, openNow: 100 })).toEqual({ vehicles: 0, capped: true, maxVehicles: 0 });
    expect(capSimulatedFleet(0, { openFilesLimit: 256, openNow: 100 })).toEqual({ vehicles: 0, capped: false, maxVehicles: 0 });
  });

  it('takes an explicit headroom', () => {
    expect(capSimulatedFleet(5_000, { openFilesLimit: 4_096, openNow: 96, headroom: 0 })).toEqual({ vehicles: 2_000, capped: true, maxVehicles: 2_000 });
  });
});
