export * from './wim-gps.config';
export * from './wim-gps-texts';
export * from './cloned-plate';
export * from './evasion';
export * from './empty-weight';
