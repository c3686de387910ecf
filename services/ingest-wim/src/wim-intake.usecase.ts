import { parseWith, stationRecordV1, TOPICS, type FieldIssue, type StationRecordKind, type StationRecordV1, type WimMeasurementV1 } from '@roadwatch/contracts';
import type { SeenSet } from '@roadwatch/runtime';
import { normaliseAnyStationRecord, wimMessageKey } from './normalise';

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
  /** The kind of scale a station is (`WIM_STATION_KINDS`); unnamed stations are WIM stations. */
  stationKindOf?: (stationId: string) => StationRecordKind;
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
    const parsed = parseWith(stationRecordV1, body);
    const outcome = parsed.ok ? await this.accept(parsed.value, authenticatedStationId) : { status: 'invalid' as const, issues: parsed.issues };
    this.deps.onOutcome?.(outcome, channel);
    return outcome;
  }

  private async accept(record: StationRecordV1, authenticatedStationId: string | undefined): Promise<IntakeOutcome> {
    if (authenticatedStationId !== undefined && record.stationId !== authenticatedStationId) {
      return { status: 'forbidden', reason: `this API key belongs to station ${authenticatedStationId}, not ${record.stationId}` };
    }
    // On both channels: an exit scale posing as a WIM station (or the reverse) would put a
    // static weighing on the roadside 一超四罚 path, or a roadside one out of it.
    const stationKind = this.deps.stationKindOf?.(record.stationId) ?? 'wim';
    const recordKind = record.kind ?? 'wim';
    if (recordKind !== stationKind) {
      return {
        status: 'invalid',
        issues: [
          { field: 'kind', message: `station ${record.stationId} is a ${stationKind} station and may only send ${stationKind} records, not ${recordKind}` },
        ],
      };
    }
    const measurement = normaliseAnyStationRecord(record, this.deps.now());
    // Axle plausibility is a WIM matter; a static scale may send the gross alone.
    const warnings = recordKind === 'wim' || measurement.axleWeightsKg.length > 0 ? this.deps.plausibilityWarnings(measurement) : [];
    if (await this.deps.seen.has(measurement.measurementId)) {
      return { status: 'duplicate', measurementId: measurement.measurementId, warnings };
    }
    await this.deps.publisher.publish(TOPICS.wimMeasurements, [{ key: wimMessageKey(measurement), value: measurement }]);
    await this.deps.seen.add(measurement.measurementId, this.deps.duplicateMemoryMs ?? SEVEN_DAYS_MS);
    return { status: 'accepted', measurementId: measurement.measurementId, warnings };
  }
}
