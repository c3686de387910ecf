export * from './wim-gps.config';
export * from './wim-gps-texts';
export * from './cloned-plate.rule';
export * from './evasion.rule';
export * from './empty-weight.rule';
