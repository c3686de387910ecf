export * from './overload.config';
export * from './wim-plausibility.rule';
export * from './gross-limit.rule';
export * from './overload-assessment.rule';
export * from './overload-violation.mapper';
