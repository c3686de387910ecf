import { parseWith, TOPICS, wimStationRecordV1, type FieldIssue, type WimMeasurementV1, type WimStationRecordV1 } from '@roadwatch/contracts';
import type { SeenSet } from '@roadwatch/runtime';
import { normaliseStationRecord, wimMessageKey } from './normalise';

/** The one thing ingest-wim needs of the message bus. */
export interface MeasurementPublisher {
  publish(topic: string, messages: Array<{ key: string; value: WimMeasurementV1 }>): Promise<unknown>;
}

export type IntakeOutcome =
  | { status: 'accepted' | 'duplicate'; measurementId: string; warnings: string[] }
  | { status: 'invalid'; issues: FieldIssue[] }
  | { status: 'forbidden'; reason: string };

export interface WimIntakeDeps {
  publisher: MeasurementPublisher;
  seen: SeenSet;
  /** Physical plausibility (libs/rules); findings are returned to the station, never a reason to drop. */
  plausibilityWarnings: (measurement: WimMeasurementV1) => string[];
  now: () => number;
  duplicateMemoryMs?: number;
  /** Told every outcome, for metrics and logs. */
  onOutcome?: (outcome: IntakeOutcome, channel: IntakeChannel) => void;
}

export type IntakeChannel = 'http' | 'kafka';

const SEVEN_DAYS_MS = 7 * 86_400_000;

/**
 * Validate, normalise, dedupe, publish — and only then answer: a record the station was
 * told is accepted is on Kafka. A duplicate is answered as such without a second message.
 * Implausible axle weights are reported back but the record is still kept: it is
 * evidence, and the detector refuses to score it with the same reasons.
 */
export class WimIntake {
  constructor(private readonly deps: WimIntakeDeps) {}

  /** `authenticatedStationId` undefined: the channel itself vouches for the station (Kafka ACLs). */
  async submit(body: unknown, authenticatedStationId: string | undefined, channel: IntakeChannel = 'http'): Promise<IntakeOutcome> {
    const parsed = parseWith(wimStationRecordV1, body);
    const outcome = parsed.ok ? await this.accept(parsed.value, authenticatedStationId) : { status: 'invalid' as const, issues: parsed.issues };
    this.deps.onOutcome?.(outcome, channel);
    return outcome;
  }

  private async accept(record: WimStationRecordV1, authenticatedStationId: string | undefined): Promise<IntakeOutcome> {
    if (authenticatedStationId !== undefined && record.stationId !== authenticatedStationId) {
      return { status: 'forbidden', reason: `this API key belongs to station ${authenticatedStationId}, not ${record.stationId}` };
    }
    const measurement = normaliseStationRecord(record, this.deps.now());
    const warnings = this.deps.plausibilityWarnings(measurement);
    if (await this.deps.seen.has(measurement.measurementId)) {
      return { status: 'duplicate', measurementId: measurement.measurementId, warnings };
    }
    await this.deps.publisher.publish(TOPICS.wimMeasurements, [{ key: wimMessageKey(measurement), value: measurement }]);
    await this.deps.seen.add(measurement.measurementId, this.deps.duplicateMemoryMs ?? SEVEN_DAYS_MS);
    return { status: 'accepted', measurementId: measurement.measurementId, warnings };
  }
}
