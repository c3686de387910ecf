export * from './routes.config';
export * from './corridor';
export * from './route-watch';
export * from './route-watch.alerts';
export * from './route-watch.rule';
