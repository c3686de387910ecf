export * from './vehicle';
export * from './road';
export * from './time';
export * from './clock';
export * from './geo';
export * from './terminal-id';
export * from './vehicle-registry';
