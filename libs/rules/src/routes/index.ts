export * from './routes.config';
export * from './corridor';
