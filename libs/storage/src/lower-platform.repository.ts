import type { StoragePool } from './pool';
import { msToTs, tsToMs, undef, type Queryable } from './sql';

/**
 * JT/T 809 lower platforms (下级平台, issue #17, migration 0030): the registry of the platforms
 * that may log in (`lower_platforms`, the API's admin use cases), the vehicles they told us of
 * (`lower_platform_vehicles`, discovered by the gateway and reviewed by an officer), the 0x1402
 * alarms they forwarded (`lower_platform_alarms`) and what we asked them over the link
 * (`lower_platform_requests`: 查岗 0x9301 and 督办 0x9401, with their answers).
 */

export type Jt809ProtocolVersion = '2011' | '2019';

export interface LowerPlatformKeys {
  encrypt: boolean;
  /** The initial key of a frame's encryption (its header's ENCRYPT_KEY when it sends encrypted). */
  encryptKey: number;
  m1: number;
  ia1: number;
  ic1: number;
}

export interface LowerPlatformRecord extends LowerPlatformKeys {
  /** MSG_GNSSCENTERID. */
  accessCode: number;
  name: string;
  companyId?: string | undefined;
  providerName?: string | undefined;
  userId: number;
  /** The scrypt hash of the 0x1001 password (`scrypt$N$r$p$salt$key`). */
  passwordHash: string;
  /** Addresses or CIDR ranges a login may come from. */
  allowedSources: string[];
  protocolVersion: Jt809ProtocolVersion;
  enabled: boolean;
  createdAtMs: number;
  updatedAtMs: number;
}

export type LowerPlatformInput = Omit<LowerPlatformRecord, 'createdAtMs' | 'updatedAtMs'>;

interface PlatformRow {
  access_code: string;
  name: string;
  company_id: string | null;
  provider_name: string | null;
  user_id: string;
  password_hash: string;
  allowed_sources: string[];
  encrypt: boolean;
  encrypt_key: string;
  m1: string;
  ia1: string;
  ic1: string;
  protocol_version: Jt809ProtocolVersion;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

const platformOf = (r: PlatformRow): LowerPlatformRecord => ({
  accessCode: Number(r.access_code),
  name: r.name,
  companyId: undef(r.company_id),
  providerName: undef(r.provider_name),
  userId: Number(r.user_id),
  passwordHash: r.password_hash,
  allowedSources: r.allowed_sources,
  encrypt: r.encrypt,
  encryptKey: Number(r.encrypt_key),
  m1: Number(r.m1),
  ia1: Number(r.ia1),
  ic1: Number(r.ic1),
  protocolVersion: r.protocol_version,
  enabled: r.enabled,
  createdAtMs: r.created_at.getTime(),
  updatedAtMs: r.updated_at.getTime(),
});

export interface DiscoveredVehicle {
  accessCode: number;
  plate: string;
  plateColour: number;
  /** What 0x1201 declared (platform id, producer, terminal model and id, SIM), when it came. */
  registration?: Record<string, unknown> | undefined;
  /** What 0x1600 declared, when it came. */
  staticInfo?: Record<string, unknown> | undefined;
  reviewStatus: 'pending' | 'accepted' | 'rejected';
  firstSeenAtMs: number;
  lastSeenAtMs: number;
}

export interface LowerPlatformAlarm {
  accessCode: number;
  plate: string;
  plateColour: number;
  /** WARN_SRC: 1 vehicle terminal, 2 enterprise platform, 3 government platform, 9 other. */
  warnSrc: number;
  warnType: number;
  warnAtMs: number;
  infoId: number;
  infoContent: string;
  receivedAtMs: number;
}

export type LowerPlatformRequestKind = 'inspection' | 'supervision';

export interface PlatformLinkRequest {
  requestId: string;
  kind: LowerPlatformRequestKind;
  accessCode: number;
  infoId: number;
  inspectionId?: string | undefined;
  alertId?: string | undefined;
  question: string;
  /** 督办: what 0x9401 carries besides (vehicle, warn source/type/time, level, supervisor, contact). */
  detail?: Record<string, unknown> | undefined;
  createdAtMs: number;
  deadlineAtMs: number;
  sentAtMs?: number | undefined;
  answeredAtMs?: number | undefined;
  answer?: Record<string, unknown> | undefined;
}

interface RequestRow {
  request_id: string;
  kind: LowerPlatformRequestKind;
  access_code: string;
  info_id: string;
  inspection_id: string | null;
  alert_id: string | null;
  question: string;
  detail: Record<string, unknown> | null;
  created_at: Date;
  deadline_at: Date;
  sent_at: Date | null;
  answered_at: Date | null;
  answer: Record<string, unknown> | null;
}

const requestOf = (r: RequestRow): PlatformLinkRequest => ({
  requestId: r.request_id,
  kind: r.kind,
  accessCode: Number(r.access_code),
  infoId: Number(r.info_id),
  inspectionId: undef(r.inspection_id),
  alertId: undef(r.alert_id),
  question: r.question,
  detail: undef(r.detail),
  createdAtMs: r.created_at.getTime(),
  deadlineAtMs: r.deadline_at.getTime(),
  sentAtMs: tsToMs(r.sent_at),
  answeredAtMs: tsToMs(r.answered_at),
  answer: undef(r.answer),
});

const PLATFORM_COLUMNS = `access_code, name, company_id, provider_name, user_id, password_hash, allowed_sources, encrypt, encrypt_key, m1, ia1, ic1,
  protocol_version, enabled, created_at, updated_at`;

/** The registry of lower platforms: written by the API's admin use cases, read by the gateway at each login. */
export class LowerPlatformRepository {
  constructor(private readonly pool: StoragePool) {}

  /** The reports' per-source data quality (`qualityBySource`). */
  qualityBySource(fromDate: string, toDate: string): Promise<SourceQualityRow[]> {
    return qualityBySource(this.pool, fromDate, toDate);
  }

  async list(): Promise<LowerPlatformRecord[]> {
    const { rows } = await this.pool.query<PlatformRow>(`SELECT ${PLATFORM_COLUMNS} FROM lower_platforms ORDER BY access_code`);
    return rows.map(platformOf);
  }

  async byAccessCode(accessCode: number, db: Queryable = this.pool): Promise<LowerPlatformRecord | undefined> {
    const { rows } = await db.query<PlatformRow>(`SELECT ${PLATFORM_COLUMNS} FROM lower_platforms WHERE access_code = $1`, [accessCode]);
    return rows[0] ? platformOf(rows[0]) : undefined;
  }

  /** Creates or replaces the platform's record (its created_at kept). */
  async upsert(platform: LowerPlatformInput, db: Queryable = this.pool): Promise<LowerPlatformRecord> {
    const { rows } = await db.query<PlatformRow>(
      `INSERT INTO lower_platforms (access_code, name, company_id, provider_name, user_id, password_hash, allowed_sources, encrypt, encrypt_key,
         m1, ia1, ic1, protocol_version, enabled)
       VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (access_code) DO UPDATE SET name = EXCLUDED.name, company_id = EXCLUDED.company_id, provider_name = EXCLUDED.provider_name,
         user_id = EXCLUDED.user_id, password_hash = EXCLUDED.password_hash, allowed_sources = EXCLUDED.allowed_sources, encrypt = EXCLUDED.encrypt,
         encrypt_key = EXCLUDED.encrypt_key, m1 = EXCLUDED.m1, ia1 = EXCLUDED.ia1, ic1 = EXCLUDED.ic1, protocol_version = EXCLUDED.protocol_version,
         enabled = EXCLUDED.enabled, updated_at = now()
       RETURNING ${PLATFORM_COLUMNS}`,
      [
        platform.accessCode,
        platform.name,
        platform.companyId ?? null,
        platform.providerName ?? null,
        platform.userId,
        platform.passwordHash,
        platform.allowedSources,
        platform.encrypt,
        platform.encryptKey,
        platform.m1,
        platform.ia1,
        platform.ic1,
        platform.protocolVersion,
        platform.enabled,
      ],
    );
    return platformOf(rows[0]!);
  }

  /** True when a platform was removed (its discovered vehicles and requests with it). */
  async remove(accessCode: number, db: Queryable = this.pool): Promise<boolean> {
    const { rowCount } = await db.query(`DELETE FROM lower_platforms WHERE access_code = $1`, [accessCode]);
    return (rowCount ?? 0) > 0;
  }

  /** The discovered vehicles, newest first; of one platform when given. */
  async discoveredVehicles(
    query: { accessCode?: number; reviewStatus?: DiscoveredVehicle['reviewStatus']; limit?: number } = {},
  ): Promise<DiscoveredVehicle[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (query.accessCode !== undefined) where.push(`access_code = $${params.push(query.accessCode)}`);
    if (query.reviewStatus !== undefined) where.push(`review_status = $${params.push(query.reviewStatus)}`);
    const { rows } = await this.pool.query<{
      access_code: string;
      plate: string;
      plate_colour: number;
      registration: Record<string, unknown> | null;
      static_info: Record<string, unknown> | null;
      review_status: DiscoveredVehicle['reviewStatus'];
      first_seen_at: Date;
      last_seen_at: Date;
    }>(
      `SELECT * FROM lower_platform_vehicles ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY last_seen_at DESC, access_code, plate LIMIT $${params.push(query.limit ?? 500)}`,
      params,
    );
    return rows.map((r) => ({
      accessCode: Number(r.access_code),
      plate: r.plate,
      plateColour: r.plate_colour,
      registration: undef(r.registration),
      staticInfo: undef(r.static_info),
      reviewStatus: r.review_status,
      firstSeenAtMs: r.first_seen_at.getTime(),
      lastSeenAtMs: r.last_seen_at.getTime(),
    }));
  }

  /** An officer's review of a discovered vehicle; false when there is no such vehicle. */
  async reviewVehicle(key: { accessCode: number; plate: string; plateColour: number }, status: 'accepted' | 'rejected'): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE lower_platform_vehicles SET review_status = $4 WHERE access_code = $1 AND plate = $2 AND plate_colour = $3`,
      [key.accessCode, key.plate, key.plateColour, status],
    );
    return (rowCount ?? 0) > 0;
  }

  /** The 0x1402 alarms forwarded, newest first. */
  async alarms(query: { accessCode?: number; limit?: number } = {}): Promise<LowerPlatformAlarm[]> {
    const params: unknown[] = [];
    const where = query.accessCode === undefined ? '' : `WHERE access_code = $${params.push(query.accessCode)}`;
    const { rows } = await this.pool.query<{
      access_code: string;
      plate: string;
      plate_colour: number;
      warn_src: number;
      warn_type: number;
      warn_at: Date;
      info_id: string;
      info_content: string;
      received_at: Date;
    }>(`SELECT * FROM lower_platform_alarms ${where} ORDER BY received_at DESC, warn_at DESC LIMIT $${params.push(query.limit ?? 500)}`, params);
    return rows.map((r) => ({
      accessCode: Number(r.access_code),
      plate: r.plate,
      plateColour: r.plate_colour,
      warnSrc: r.warn_src,
      warnType: r.warn_type,
      warnAtMs: r.warn_at.getTime(),
      infoId: Number(r.info_id),
      infoContent: r.info_content,
      receivedAtMs: r.received_at.getTime(),
    }));
  }

  /**
   * A 查岗 or 督办 for a platform, to be sent by the gateway holding its link. Its INFO_ID is the
   * next free one of the platform (the answer echoes it).
   */
  async createRequest(
    request: Omit<PlatformLinkRequest, 'infoId' | 'sentAtMs' | 'answeredAtMs' | 'answer'>,
    db: Queryable = this.pool,
  ): Promise<PlatformLinkRequest> {
    const { rows } = await db.query<RequestRow>(
      `INSERT INTO lower_platform_requests (request_id, kind, access_code, info_id, inspection_id, alert_id, question, detail, created_at, deadline_at)
       SELECT $1, $2, $3, COALESCE((SELECT max(info_id) + 1 FROM lower_platform_requests WHERE access_code = $3), 1) % 4294967296,
         $4, $5, $6, $9::jsonb, ${msToTs('$7::float8')}, ${msToTs('$8::float8')}
       RETURNING *`,
      [
        request.requestId,
        request.kind,
        request.accessCode,
        request.inspectionId ?? null,
        request.alertId ?? null,
        request.question,
        request.createdAtMs,
        request.deadlineAtMs,
        request.detail === undefined ? null : JSON.stringify(request.detail),
      ],
    );
    return requestOf(rows[0]!);
  }

  async requests(query: { accessCode?: number; inspectionId?: string; alertId?: string; limit?: number } = {}): Promise<PlatformLinkRequest[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (query.accessCode !== undefined) where.push(`access_code = $${params.push(query.accessCode)}`);
    if (query.inspectionId !== undefined) where.push(`inspection_id = $${params.push(query.inspectionId)}`);
    if (query.alertId !== undefined) where.push(`alert_id = $${params.push(query.alertId)}`);
    const { rows } = await this.pool.query<RequestRow>(
      `SELECT * FROM lower_platform_requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, request_id LIMIT $${params.push(query.limit ?? 500)}`,
      params,
    );
    return rows.map(requestOf);
  }
}

/** A vehicle a lower platform told of (0x1201, 0x1600, or a position). */
export interface DiscoveredLowerPlatformVehicle {
  accessCode: number;
  plate: string;
  plateColour: number;
  seenAtMs: number;
  registration?: Record<string, unknown>;
  staticInfo?: Record<string, unknown>;
}

/** A lower platform's answer to a request the gateway sent it, matched by kind and info id. */
export interface LowerPlatformAnswer {
  accessCode: number;
  kind: LowerPlatformRequestKind;
  infoId: number;
  answeredAtMs: number;
  answer: Record<string, unknown>;
  answerText: string;
}

/**
 * The gateway's side of the lower platforms' tables: what the platforms told us (vehicles,
 * alarms), the requests it sent over a link and the answers that came back.
 */
export class LowerPlatformLinkRepository {
  constructor(private readonly pool: StoragePool) {}

  byAccessCode(accessCode: number): Promise<LowerPlatformRecord | undefined> {
    return new LowerPlatformRepository(this.pool).byAccessCode(accessCode);
  }

  /** A vehicle the platform told of (0x1201, 0x1600, or a position): added as pending review, its declarations merged in. */
  async discoverVehicle(vehicle: DiscoveredLowerPlatformVehicle): Promise<void> {
    await this.pool.query(
      `INSERT INTO lower_platform_vehicles (access_code, plate, plate_colour, registration, static_info, first_seen_at, last_seen_at)
       VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, ${msToTs('$6::float8')}, ${msToTs('$6::float8')})
       ON CONFLICT (access_code, plate, plate_colour) DO UPDATE SET
         registration = COALESCE(EXCLUDED.registration, lower_platform_vehicles.registration),
         static_info = COALESCE(EXCLUDED.static_info, lower_platform_vehicles.static_info),
         last_seen_at = GREATEST(lower_platform_vehicles.last_seen_at, EXCLUDED.last_seen_at)`,
      [
        vehicle.accessCode,
        vehicle.plate,
        vehicle.plateColour,
        vehicle.registration === undefined ? null : JSON.stringify(vehicle.registration),
        vehicle.staticInfo === undefined ? null : JSON.stringify(vehicle.staticInfo),
        vehicle.seenAtMs,
      ],
    );
  }

  /** Stores a forwarded alarm once (a re-sent one changes nothing). */
  async recordAlarm(alarm: LowerPlatformAlarm): Promise<void> {
    await this.pool.query(
      `INSERT INTO lower_platform_alarms (access_code, plate, plate_colour, warn_src, warn_type, warn_at, info_id, info_content, received_at)
       VALUES ($1, $2, $3, $4, $5, ${msToTs('$6::float8')}, $7, $8, ${msToTs('$9::float8')}) ON CONFLICT DO NOTHING`,
      [alarm.accessCode, alarm.plate, alarm.plateColour, alarm.warnSrc, alarm.warnType, alarm.warnAtMs, alarm.infoId, alarm.infoContent, alarm.receivedAtMs],
    );
  }

  /** The requests not yet sent to these platforms, oldest first. */
  async unsentRequests(accessCodes: readonly number[]): Promise<PlatformLinkRequest[]> {
    if (accessCodes.length === 0) return [];
    const { rows } = await this.pool.query<RequestRow>(
      `SELECT * FROM lower_platform_requests WHERE sent_at IS NULL AND access_code = ANY($1::bigint[]) ORDER BY created_at, request_id LIMIT 500`,
      [accessCodes],
    );
    return rows.map(requestOf);
  }

  async markSent(requestId: string, sentAtMs: number): Promise<void> {
    await this.pool.query(`UPDATE lower_platform_requests SET sent_at = ${msToTs('$2::float8')} WHERE request_id = $1 AND sent_at IS NULL`, [
      requestId,
      sentAtMs,
    ]);
  }

  /**
   * The platform's answer to the request with this INFO_ID (0x1301, 0x1401): the first answer
   * counts; a 查岗's answer also answers the inspection's row of the platform's company, so
   * 查岗响应率 counts it like an answer given in the web page. Undefined when no request matches.
   */
  async recordAnswer(answer: LowerPlatformAnswer): Promise<PlatformLinkRequest | undefined> {
    const { rows } = await this.pool.query<RequestRow>(
      `UPDATE lower_platform_requests SET answered_at = ${msToTs('$4::float8')}, answer = $5::jsonb
       WHERE access_code = $1 AND kind = $2 AND info_id = $3 AND answered_at IS NULL RETURNING *`,
      [answer.accessCode, answer.kind, answer.infoId, answer.answeredAtMs, JSON.stringify(answer.answer)],
    );
    const request = rows[0] ? requestOf(rows[0]) : undefined;
    if (request?.kind === 'inspection' && request.inspectionId !== undefined) {
      await this.pool.query(
        `UPDATE inspection_recipients r SET answered_at = ${msToTs('$3::float8')}, answered_by = $4, answer = $5
         FROM lower_platforms p
         WHERE p.access_code = $1 AND r.inspection_id = $2 AND r.company_id = p.company_id AND r.answered_at IS NULL`,
        [answer.accessCode, request.inspectionId, answer.answeredAtMs, `jt809:${answer.accessCode}`, answer.answerText.slice(0, 2000)],
      );
    }
    return request;
  }
}

/** Data quality of one source of positions over a range of days (RULES §6), for the reports' per-source split. */
export interface SourceQualityRow {
  /** `jt808` (terminals reporting to us directly) or a lower platform's access code. */
  source: string;
  platformName?: string | undefined;
  /** Vehicles of the source: the discovered ones of a platform; the registry's others for `jt808`. */
  vehicles: number;
  /** Of them, vehicles with at least one report in the range (上线率's numerator). */
  onlineVehicles: number;
  received: number;
  valid: number;
  trackM: number;
  completeTrackM: number;
}

/**
 * 上线率, 轨迹完整率 and 数据合格率 by source (issue #17 item 4) from the daily quality counters:
 * a vehicle a lower platform forwards (its discovered list, matched to the registry by plate and
 * colour, or by the plate's id when unregistered) counts for that platform, every other vehicle of
 * the registry for `jt808`. Dates are local (YYYY-MM-DD), inclusive.
 */
export const qualityBySource = async (db: Queryable, fromDate: string, toDate: string): Promise<SourceQualityRow[]> => {
  const { rows } = await db.query<{
    source: string;
    platform_name: string | null;
    vehicles: string;
    online_vehicles: string;
    received: string;
    valid: string;
    track_m: number;
    complete_track_m: number;
  }>(
    `WITH forwarded AS (
       SELECT DISTINCT ON (vehicle_id) vehicle_id, access_code::text AS source FROM (
         SELECT COALESCE(v.vehicle_id, upper(trim(lv.plate)) || ':' || lv.plate_colour) AS vehicle_id, lv.access_code, lv.last_seen_at
         FROM lower_platform_vehicles lv
         LEFT JOIN vehicles v ON v.plate = lv.plate AND v.plate_colour = lv.plate_colour
       ) f ORDER BY vehicle_id, last_seen_at DESC),
     sources AS (
       SELECT vehicle_id, source FROM forwarded
       UNION ALL
       SELECT v.vehicle_id, 'jt808' FROM vehicles v WHERE NOT EXISTS (SELECT 1 FROM forwarded f WHERE f.vehicle_id = v.vehicle_id)),
     days AS (
       SELECT vehicle_id, sum(received) AS received, sum(valid) AS valid, sum(track_m) AS track_m, sum(complete_track_m) AS complete_track_m
       FROM vehicle_quality_daily WHERE day BETWEEN $1::date AND $2::date GROUP BY vehicle_id)
     SELECT s.source, p.name AS platform_name, count(*)::text AS vehicles,
       count(*) FILTER (WHERE COALESCE(d.received, 0) > 0)::text AS online_vehicles,
       COALESCE(sum(d.received), 0)::text AS received, COALESCE(sum(d.valid), 0)::text AS valid,
       COALESCE(sum(d.track_m), 0)::float8 AS track_m, COALESCE(sum(d.complete_track_m), 0)::float8 AS complete_track_m
     FROM sources s
     LEFT JOIN days d ON d.vehicle_id = s.vehicle_id
     LEFT JOIN lower_platforms p ON p.access_code::text = s.source
     GROUP BY s.source, p.name
     ORDER BY s.source = 'jt808' DESC, s.source`,
    [fromDate, toDate],
  );
  return rows.map((r) => ({
    source: r.source,
    platformName: undef(r.platform_name),
    vehicles: Number(r.vehicles),
    onlineVehicles: Number(r.online_vehicles),
    received: Number(r.received),
    valid: Number(r.valid),
    trackM: r.track_m,
    completeTrackM: r.complete_track_m,
  }));
};
