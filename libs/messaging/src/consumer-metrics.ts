import { Counter, Gauge, type Registry } from 'prom-client';

/** Anything holding a prom-client registry: `ServiceMetrics` of @roadwatch/runtime is one. */
export interface MetricsRegistryOwner {
  readonly registry: Registry;
}

export interface ConsumerMetrics {
  stalled: Gauge<'group' | 'topic' | 'partition'>;
  lag: Gauge<'group' | 'topic' | 'partition'>;
  deadLetters: Counter<'group' | 'topic' | 'stage'>;
}

// Several buses and subscriptions may share one registry (the embedded mode's one process):
// each metric is registered once per registry.
const byRegistry = new WeakMap<Registry, ConsumerMetrics>();

export const consumerMetricsOf = (owner: MetricsRegistryOwner): ConsumerMetrics => {
  const registry = owner.registry;
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    metrics = {
      stalled: new Gauge({
        name: 'roadwatch_consumer_stalled',
        help: '1 while a consumer group has made no committed progress on a partition with lag for longer than its stall threshold',
        labelNames: ['group', 'topic', 'partition'],
        registers: [registry],
      }),
      lag: new Gauge({
        name: 'roadwatch_consumer_lag_records',
        help: 'Records between the committed position of a consumer group and the end of the partition, as last seen by the member owning it',
        labelNames: ['group', 'topic', 'partition'],
        registers: [registry],
      }),
      deadLetters: new Counter({
        name: 'roadwatch_consumer_dead_letters_total',
        help: 'Records sent to the dead-letter topic by a consumer group: stage decode (does not decode / fails the schema) or handler (refused persistently)',
        labelNames: ['group', 'topic', 'stage'],
        registers: [registry],
      }),
    };
    byRegistry.set(registry, metrics);
  }
  return metrics;
};
