export * from './logger';
export * from './metrics';
export * from './ops-http';
export * from './shutdown';
export * from './seen-set';
export * from './vehicle-registry-file';
export * from './reloader';
