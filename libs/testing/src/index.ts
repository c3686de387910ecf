export * from './fleet-simulator';
export * from './infra';
export * from './jt808-terminal';
export * from './sample-position';
export * from './overload-violation';
