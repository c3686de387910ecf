import type { PositionRules } from './position-rules.port';

/**
 * Binds the detector's port to the position pipeline of libs/rules. The pipeline
 * (`processPosition`, `checkOffline`) is still being written there; until it lands, the
 * detector refuses to start without explicit rules rather than run without detection.
 */
export const libsPositionRules = (): PositionRules => {
  throw new Error('libs/rules has no position pipeline yet: pass positionRules to startDetector');
};
