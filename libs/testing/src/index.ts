// The simulated fleet and the JT/T 808 terminal are production code now (the embedded
// default drives them), in @roadwatch/simulator; tests keep importing them from here.
export * from '@roadwatch/simulator';
export * from './infra';
export * from './factories/index';
export * from './overload-violation';
export * from './wait-quiet';
export * from './key-supervision-fleet';
export * from './platform-ports';
