/** Intervals are PostgreSQL interval literals ('1 day', '180 days'). */
export interface SeriesSettings {
  /** Hypertable chunk interval, or the native partition width on plain PostgreSQL. */
  chunkInterval: string;
  /** Chunks whose range ends before now − this are compressed (TimescaleDB only). */
  compressAfter: string;
  /** Chunks / partitions whose range ends before now − this are dropped. */
  retention: string;
}

export interface StorageSettings {
  positions: SeriesSettings;
  wimMeasurements: SeriesSettings;
  alerts: SeriesSettings;
  /** How far back each maintenance run recomputes the daily figures. */
  dailyRefreshLookback: string;
  /** Partitions created ahead of now on plain PostgreSQL (and kept behind, for late data). */
  premakePartitions: number;
  /** Per-vehicle daily data-quality counters (`vehicle_quality_daily`) older than this are deleted. */
  qualityDailyRetention: string;
}

export const DEFAULT_SETTINGS: StorageSettings = {
  positions: { chunkInterval: '1 day', compressAfter: '7 days', retention: '180 days' },
  wimMeasurements: { chunkInterval: '7 days', compressAfter: '30 days', retention: '1095 days' },
  alerts: { chunkInterval: '7 days', compressAfter: '30 days', retention: '1095 days' },
  dailyRefreshLookback: '3 days',
  premakePartitions: 7,
  // Three years, as alerts: the 联网联控 assessment looks back over the year and its appeals further.
  qualityDailyRetention: '1095 days',
};

export type StorageSettingsInput = {
  [K in keyof StorageSettings]?: StorageSettings[K] extends SeriesSettings ? Partial<SeriesSettings> : StorageSettings[K];
};

export const resolveSettings = (input: StorageSettingsInput = {}, base: StorageSettings = DEFAULT_SETTINGS): StorageSettings => ({
  positions: { ...base.positions, ...input.positions },
  wimMeasurements: { ...base.wimMeasurements, ...input.wimMeasurements },
  alerts: { ...base.alerts, ...input.alerts },
  dailyRefreshLookback: input.dailyRefreshLookback ?? base.dailyRefreshLookback,
  premakePartitions: input.premakePartitions ?? base.premakePartitions,
  qualityDailyRetention: input.qualityDailyRetention ?? base.qualityDailyRetention,
});

/** The time-series tables, their time column and their settings key. */
export const SERIES = [
  { table: 'positions', timeColumn: 'device_time', key: 'positions' },
  { table: 'wim_measurements', timeColumn: 'measured_at', key: 'wimMeasurements' },
  { table: 'alerts', timeColumn: 'started_at', key: 'alerts' },
  // Every revision of an alert: chunked, compressed and expired with the alerts.
  { table: 'alert_revisions', timeColumn: 'started_at', key: 'alerts' },
] as const;
