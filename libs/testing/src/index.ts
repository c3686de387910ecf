export * from './fleet-simulator';
