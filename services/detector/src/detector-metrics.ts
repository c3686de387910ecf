import type { ServiceMetrics } from '@roadwatch/runtime';

/**
 * The detector's figures. Events/s is `rate(roadwatch_detector_events_total[1m])`; lag is
 * the age of the newest message handled per topic (broker append time → handled), which
 * needs no admin round trip and reads as "how far behind real time" (offset lag needs the
 * log-end offsets, which the Bus does not expose).
 */
export class DetectorMetrics {
  readonly events;
  readonly replaysSkipped;
  readonly alerts;
  readonly commands;
  readonly wimRejected;
  readonly unknownVehicles;
  readonly vehiclesHeld;
  readonly partitionsOwned;
  readonly lagSeconds;
  readonly checkpointSeconds;
  readonly staleCheckpoints;

  constructor(metrics: ServiceMetrics) {
    this.events = metrics.counter('detector_events_total', 'Messages handled, by topic', ['topic']);
    this.replaysSkipped = metrics.counter('detector_replayed_skipped_total', 'Messages already reflected in the checkpointed state, skipped', ['topic']);
    this.alerts = metrics.counter('detector_alerts_total', 'Alerts published, by rule and level', ['rule', 'level']);
    this.commands = metrics.counter('detector_terminal_commands_total', 'Driver reminders put on terminal.commands');
    this.wimRejected = metrics.counter('detector_wim_rejected_total', 'Implausible WIM records not scored, by reason', ['reason']);
    this.unknownVehicles = metrics.counter('detector_unknown_vehicle_events_total', 'Events for vehicles not in the registry (read as class other)', ['topic']);
    this.vehiclesHeld = metrics.gauge('detector_vehicles_held', 'Vehicle states held in memory by this instance');
    this.partitionsOwned = metrics.gauge('detector_partitions_owned', 'Partitions this instance owns', ['topic']);
    this.lagSeconds = metrics.gauge('detector_lag_seconds', 'Age of the newest handled message (broker time → handled)', ['topic']);
    this.checkpointSeconds = metrics.histogram(
      'detector_checkpoint_seconds',
      'Time to write one partition checkpoint',
      [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
    );
    this.staleCheckpoints = metrics.counter('detector_stale_checkpoints_total', 'Checkpoints refused because a newer owner moved the partition on');
  }
}
