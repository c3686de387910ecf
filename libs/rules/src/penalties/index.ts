export * from './penalties.config';
export * from './vehicle-owner-fine.rule';
export * from './driver-penalty.rule';
export * from './repeat-consequences.rule';
export * from './report-deadline.rule';
export * from './one-overload-four-penalties.rule';
export * from './penalty-texts';
