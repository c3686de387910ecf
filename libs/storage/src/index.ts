export * from './embedded-timescale';
export * from './pool';
export * from './settings';
export * from './migrate';
