export {};
export * from './overload';
export * from './penalties';
