export * from './vehicle';
export * from './road';
export * from './time';
export * from './geo';
