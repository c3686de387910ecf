export * from './tampering.config';
export * from './tampering.rule';
export * from './tampering-texts';
