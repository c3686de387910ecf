export * from './wim-gps.config';
