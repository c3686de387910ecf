/**
 * What a JT/T 809 link carries, as plain data: the gateway's logic (`PlatformLink`) reads and
 * writes these; `jt809-wire.ts` alone turns them into frames with libs/jt809. Field names follow
 * the standard's (2011 / 2019), units in the names.
 */

/** A vehicle as 809 names it: plate (VEHICLE_NO) and colour (VEHICLE_COLOR, JT/T 415). */
export interface LinkVehicle {
  plate: string;
  plateColour: number;
}

/** One GNSS fix of 0x1202 / 0x1203 (2011 GNSS_DATA, or the 2019 fields mapped to it). */
export interface LinkGnssFix {
  /** DATE + TIME, read as GMT+8 and turned into epoch ms by the codec. */
  deviceTimeMs: number;
  latitudeDeg: number;
  longitudeDeg: number;
  /** VEC1: satellite speed. */
  speedKmh: number;
  /** VEC2: the tachograph's speed. */
  recorderSpeedKmh: number;
  /** VEC3: total mileage. */
  mileageKm: number;
  headingDeg: number;
  altitudeM: number;
  /** STATE and ALARM: the JT/T 808 status and alarm bits. */
  statusFlags: number;
  alarmFlags: number;
}

export type InboundMessage =
  /** 0x1001; a 2019 body repeats the access code (`bodyAccessCode`), which must be the header's. */
  | { kind: 'login'; userId: number; password: string; downLinkIp: string; downLinkPort: number; bodyAccessCode?: number }
  | { kind: 'logout'; userId: number; password: string }
  | { kind: 'link-test' }
  /** 0x1007 main link broken notice / 0x1008 lower platform closing: the platform says it goes. */
  | { kind: 'closing'; reasonCode: number }
  | { kind: 'position'; vehicle: LinkVehicle; fix: LinkGnssFix }
  | { kind: 'back-fill'; vehicle: LinkVehicle; fixes: LinkGnssFix[] }
  | { kind: 'vehicle-registration'; vehicle: LinkVehicle; registration: Record<string, string> }
  | { kind: 'static-info'; vehicle: LinkVehicle; staticInfo: Record<string, string> }
  | { kind: 'alarm'; vehicle: LinkVehicle; warnSrc: number; warnType: number; warnAtMs: number; infoId: number; infoContent: string }
  /** 0x1301 查岗应答. */
  /** `sourceSerial`: the 2019 form names the request by the serial (MSG_SN) of its frame, not its INFO_ID (then -1). */
  | { kind: 'inspection-answer'; objectType: number; objectId: string; infoId: number; infoContent: string; sourceSerial?: number }
  /** 0x1401 督办应答. */
  | { kind: 'supervision-answer'; vehicle: LinkVehicle | null; supervisionId: number; result: number }
  /** A message the gateway understands the frame of but does not act on. */
  | { kind: 'other'; messageId: number; dataType?: number };

export type OutboundMessage =
  | { kind: 'login-response'; result: number; verifyCode: number }
  | { kind: 'logout-response' }
  | { kind: 'link-test-response' }
  /** 0x9001 on the sub-link. */
  | { kind: 'sub-link-login'; verifyCode: number }
  | { kind: 'sub-link-test' }
  | { kind: 'sub-link-logout'; verifyCode: number }
  /** 0x9301 查岗请求. */
  | { kind: 'inspection-request'; objectType: number; objectId: string; infoId: number; question: string; answerTimeMin: number }
  /** 0x9401 督办请求. */
  | {
      kind: 'supervision-request';
      vehicle: LinkVehicle;
      warnSrc: number;
      warnType: number;
      warnAtMs: number;
      supervisionId: number;
      deadlineAtMs: number;
      level: number;
      supervisor: string;
      phone: string;
      email: string;
    };

/** Answers the sub-link brings back. */
export type SubLinkInbound = { kind: 'sub-link-login-response'; result: number } | { kind: 'sub-link-test-response' } | { kind: 'other'; messageId: number };
