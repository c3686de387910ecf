export * from './topics';
export * from './common.schema';
export * from './position.schema';
export * from './wim.schema';
export * from './wim-station-record.schema';
export * from './alert.schema';
export * from './overload.schema';
export * from './case-event.schema';
export * from './terminal-command.schema';
export * from './dead-letter.schema';
export * from './quality.schema';
export * from './errors';
export * from './topic-schemas';
export * from './env.schema';
export * from './api.schema';
export * from './vehicle-registry.schema';
export * from './registry-admin.schema';
export * from './relay.schema';
export * from './registry-change.schema';
export * from './api-query.schema';
export * from './api-routes';
export * from './safe-string';
export * from './string-paths';
export * from './users.schema';
export * from './bounding-box';
export * from './position.avro';
export * from './key-supervision-density.schema';
export * from './key-supervision.schema';
export * from './key-supervision-routes';
export * from './inspection.schema';
export * from './delivery.schema';
export * from './handling.schema';
export * from './handling-routes';
export * from './report-charts.schema';
export * from './assessment.schema';
// 布控线索 (issue #15): the enforcement analyses' leads and their decisions
export * from './targeting.schema';
export * from './targeting-routes';
// 大件 permit audit sheets and area bans (issue #16)
export * from './permits.schema';
export * from './permits-routes';
export * from './tampering.schema';
export * from './tampering-routes';
export * from './driver-card.schema';
export * from './roster.schema';
export * from './roster-routes';
export * from './source-trace.schema';
export * from './source-trace-routes';
// Approved routes and their episodes (issue #16)
export * from './approved-routes.schema';
export * from './approved-routes-routes';
// JT/T 809 lower platforms (issue #17)
export * from './lower-platform.schema';
export * from './lower-platform-routes';
export * from './source-site-kind.schema';
// Routes and areas sent to terminals and their own area/route alarms (issue #16 item 6)
export * from './terminal-geofence.schema';
export * from './terminal-geofence-routes';
