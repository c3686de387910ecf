export * from './fleet-simulator';
export * from './infra';
