/** Every Kafka topic roadwatch uses, with the key each is partitioned by (ARCHITECTURE.md "Messages"). */
export const TOPICS = {
  /** key = vehicleId */
  positions: 'telemetry.positions',
  /** key = plate (+ colour) */
  wimMeasurements: 'wim.measurements',
  /** Raw records from stations that publish to Kafka directly; key = stationId. */
  wimStationRecords: 'wim.station-records',
  /** key = vehicleId */
  alerts: 'alerts',
  /** key = vehicleId (or plate when the vehicle is unregistered) */
  overloadViolations: 'violations.overload',
  /** key = caseId */
  caseEvents: 'cases.events',
  /** key = terminalId */
  terminalCommands: 'terminal.commands',
  /** key = terminalId */
  commandResults: 'terminal.command-results',
  /** A vehicle's data-quality counters of one local day (snapshots, then the final one); key = vehicleId */
  qualityDaily: 'quality.daily',
  /** A registry write (admin resources, relay registrations), from the outbox; key = entity kind + id (registryChangeKey) */
  registryChanges: 'registry.changes',
  /** A handling item notified to its company or escalated to the on-duty board (RULES §9); key = companyId */
  handlingChanges: 'supervision.handling',
  /** A 0x0702 driver identity report (IC card sign-in / sign-out); key = vehicleId (terminalId when unbound) */
  driverCardEvents: 'drivers.card-events',
  /** A terminal's own area/route alarm (0x0200 bits 20–23, items 0x11–0x13), evidence only; key = vehicleId */
  terminalAreaAlarms: 'terminal.area-alarms',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/** A message that fails its schema is moved here with the reason; the consumer goes on. */
export const deadLetterTopicOf = (topic: string): string => `${topic}.dlq`;
