export {};
export * from './overload';
export * from './penalties';
export * from './common/rules-config';
export * from './common/alerts';
export * from './common/time-window';
export * from './motion/motion-model';
export * from './fatigue/fatigue.rule';
