export * from './fleet-simulator';
export * from './jt808-terminal';
export * from './fleet-limits';
export * from './four-parties';
export * from './demo-blind-areas';
export * from './demo-area-bans';
export * from './scheduled-line';
export * from './jt809-lower-platform';
