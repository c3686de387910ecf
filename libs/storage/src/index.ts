export * from './embedded-timescale';
export * from './pool';
export * from './settings';
export * from './migrate';
export * from './maintenance';
export * from './position.repository';
export * from './wim.repository';
export * from './alert.repository';
export * from './case.repository';
export * from './case-list.read-model';
export * from './registry.repository';
export * from './daily.repository';
export * from './quality.repository';
export * from './relay.repository';
export { inTransaction, msToTs, type Queryable } from './sql';
export * from './owner';
export * from './registry-snapshot';
export * from './outbox.repository';
export * from './vehicle-list.read-model';
export * from './company-report.read-model';
export * from './place.read-model';
export * from './source-trace.repository';
export * from './source-trace.read-model';
export * from './registry-references';
export * from './user.repository';
export * from './audit.repository';
export * from './latest-position-keys';
export * from './job-lock';
export * from './key-supervision.repository';
export * from './site-weighing.repository';
export * from './key-supervision-facts.read-model';
export * from './inspection.repository';
// Supervision: delivery to companies (routes and secrets: the API; deliveries and attempts: supervision).
export * from './delivery-settings.repository';
export * from './delivery.repository';
export * from './delivery.read-model';
export * from './handling.repository';
export * from './handling-item';
// reports: the charts and the monthly 通报
export * from './report-charts.read-model';
export * from './monthly-notice.read-model';
// 考核 (RULES.md §10, §15): the facts it reads, the scores and settings, the 运政 list
export * from './assessment-facts.read-model';
export * from './assessment-score.repository';
export * from './operating-vehicle.repository';
// Enforcement (issue #15): the targeting leads its analyses write.
export * from './targeting.repository';
export * from './evasion.read-model';
export * from './driver-duty.repository';
export * from './tampering.repository';
// Routes and areas (issue #16): approved routes, bound vehicles, detours; off-route episodes.
export * from './route.repository';
export * from './route-episode.repository';
// JT/T 809 lower platforms (issue #17): the registry (the API), what the gateway learns over their links.
export * from './lower-platform.repository';
export * from './source-site-kind.repository';
// 大件 permit checks and area-ban episodes (issue #16): what services/enforcement's permit parts read and write.
export * from './permit-check.repository';
export * from './area-ban.repository';
// Routes and areas sent to terminals, and the terminals' own area/route alarms (issue #16 item 6).
export * from './terminal-geofence.repository';
export * from './terminal-area-alarm.repository';
// Fatigue per driver from the shift roster (RULES.md §13): the detector's read of the roster.
export * from './roster-drivers.read-model';
