export * from './routes.config';
export * from './corridor';
export * from './track';
export * from './permit';
export * from './area-ban';
export * from './permit-audit';
