import { createHash, timingSafeEqual } from 'node:crypto';
import { stationRecordKind, type StationRecordKind } from '@roadwatch/contracts';

/**
 * Per-station API keys. Keys are compared as SHA-256 digests in constant time, so
 * neither their length nor their prefix leaks through response timing.
 */
export class StationKeys {
  private readonly stationByDigest: Array<{ digest: Buffer; stationId: string }>;

  constructor(keysByStation: ReadonlyMap<string, string>) {
    this.stationByDigest = [...keysByStation].map(([stationId, key]) => ({ stationId, digest: digestOf(key) }));
  }

  /** `ST001=key1,ST002=key2` — the WIM_STATION_KEYS format. */
  static parse(spec: string): StationKeys {
    const entries = new Map<string, string>();
    for (const pair of spec
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const at = pair.indexOf('=');
      if (at <= 0 || at === pair.length - 1) throw new Error(`WIM_STATION_KEYS: "${pair}" is not stationId=key`);
      entries.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return new StationKeys(entries);
  }

  stationFor(apiKey: string | undefined): string | undefined {
    if (!apiKey) return undefined;
    const digest = digestOf(apiKey);
    let found: string | undefined;
    for (const entry of this.stationByDigest) {
      if (timingSafeEqual(entry.digest, digest)) found = entry.stationId;
    }
    return found;
  }
}

const digestOf = (key: string): Buffer => createHash('sha256').update(key).digest();

/**
 * `EX01=site_exit,EN01=entrance` — the WIM_STATION_KINDS format: the stations that are a source
 * site's exit scale or an expressway entrance scale (wim_stations.kind); any other is a WIM station.
 */
export const parseStationKinds = (spec: string | undefined): ((stationId: string) => StationRecordKind) => {
  const kinds = new Map<string, StationRecordKind>();
  for (const pair of (spec ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = pair.indexOf('=');
    const parsed = stationRecordKind.safeParse(pair.slice(at + 1));
    if (at <= 0 || !parsed.success) throw new Error(`WIM_STATION_KINDS: "${pair}" is not stationId=wim|site_exit|entrance`);
    kinds.set(pair.slice(0, at), parsed.data);
  }
  return (stationId) => kinds.get(stationId) ?? 'wim';
};
