export * from './source-trace.config';
export * from './geofence';
export * from './trace-texts';
export * from './source-trace.rule';
export * from './driver-on-duty.rule';
export * from './card-intervals';
