import {
  decodeJt809Frame,
  encodeJt809Frame,
  Jt809DecodeError,
  Jt809Deframer,
  parseCarInfo,
  peekJt809Header,
  positionFix,
  type Jt809BodyMap,
  type Jt809EncryptionKeys,
  type Jt809Message,
  type Jt809SupportedMessageId,
  type Jt809VehiclePosition,
} from '@roadwatch/jt809';
import type { InboundMessage, LinkGnssFix, LinkVehicle, OutboundMessage, SubLinkInbound } from './link-messages';
import type { DecodedFrame, Deframer, Jt809Wire, LinkParams, WireError } from './wire';

/**
 * The gateway's one use of libs/jt809: frames ↔ the plain messages of `link-messages.ts`.
 * Everything the link decides is decided on those, so this file only translates.
 */

const keysOf = (params: LinkParams): Jt809EncryptionKeys | undefined => (params.keys?.encrypt ? params.keys : undefined);

const wireErrorOf = (error: unknown): WireError => {
  if (error instanceof Jt809DecodeError) return { kind: error.kind, message: error.message, messageId: error.header?.messageId };
  return { kind: 'bad-value', message: error instanceof Error ? error.message : String(error) };
};

const vehicleOf = (vehicle: { plate: string; plateColor: number } | null): LinkVehicle | undefined =>
  vehicle ? { plate: vehicle.plate, plateColour: vehicle.plateColor } : undefined;

/** A fix without a device time (DATE and TIME all zeros: no GNSS time yet) gets the receive time, as 808's gateway does. */
const fixOf = (position: Jt809VehiclePosition, receivedAtMs: number): LinkGnssFix | undefined => {
  const fix = positionFix(position);
  if (!fix) return undefined;
  const recorderSpeedKmh =
    position.edition === '2011' ? position.recorderSpeedKmh : position.gnss.format === 'gnss-2011' ? position.gnss.fix.recorderSpeedKmh : fix.speedKmh;
  return {
    deviceTimeMs: fix.deviceTimeMs ?? receivedAtMs,
    latitudeDeg: fix.latitudeDeg,
    longitudeDeg: fix.longitudeDeg,
    speedKmh: fix.speedKmh,
    recorderSpeedKmh,
    mileageKm: fix.mileageKm ?? 0,
    headingDeg: fix.directionDeg,
    altitudeM: fix.altitudeM,
    statusFlags: fix.statusFlags,
    alarmFlags: fix.alarmFlags,
  };
};

const inboundOf = (message: Jt809Message, nowMs: number): InboundMessage => {
  switch (message.messageId) {
    case 0x1001:
      return {
        kind: 'login',
        userId: message.body.userId,
        password: message.body.password,
        downLinkIp: message.body.downLinkIp,
        downLinkPort: message.body.downLinkPort,
        ...(message.body.accessCode === null ? {} : { bodyAccessCode: message.body.accessCode }),
      };
    case 0x1003:
      return { kind: 'logout', userId: message.body.userId, password: message.body.password };
    case 0x1005:
      return { kind: 'link-test' };
    case 0x1007:
      return { kind: 'closing', reasonCode: message.body.errorCode };
    case 0x1008:
      return { kind: 'closing', reasonCode: message.body.reasonCode };
    case 0x1200: {
      const vehicle = vehicleOf(message.body.vehicle);
      const { data } = message.body;
      if (!vehicle) return { kind: 'other', messageId: 0x1200, dataType: message.body.dataType };
      if (data.kind === 'position') {
        const fix = fixOf(data.position, nowMs);
        return fix ? { kind: 'position', vehicle, fix } : { kind: 'other', messageId: 0x1200, dataType: 0x1202 };
      }
      if (data.kind === 'backfill')
        return { kind: 'back-fill', vehicle, fixes: data.positions.map((p) => fixOf(p, nowMs)).filter((fix): fix is LinkGnssFix => fix !== undefined) };
      if (data.kind === 'registration')
        return {
          kind: 'vehicle-registration',
          vehicle,
          registration: {
            platformId: data.platformId,
            producerId: data.producerId,
            terminalModel: data.terminalModel,
            terminalId: data.terminalId,
            simNumber: data.simNumber,
            ...(data.imei === null ? {} : { imei: data.imei }),
          },
        };
      return { kind: 'other', messageId: 0x1200, dataType: message.body.dataType };
    }
    case 0x1300: {
      const { data } = message.body;
      if (data.kind !== 'inspection-answer') return { kind: 'other', messageId: 0x1300, dataType: message.body.dataType };
      // 2019 names no INFO_ID: it refers to the serial (MSG_SN) of the request's frame, which the link maps back.
      return {
        kind: 'inspection-answer',
        objectType: data.objectType ?? 0,
        objectId: data.objectId ?? '',
        infoId: data.infoId ?? -1,
        infoContent: data.answer,
        ...(data.sourceSerial === null ? {} : { sourceSerial: data.sourceSerial }),
      };
    }
    case 0x1400: {
      const { data } = message.body;
      if (data.kind === 'supervision-answer')
        return { kind: 'supervision-answer', vehicle: vehicleOf(message.body.vehicle) ?? null, supervisionId: data.supervisionId, result: data.result };
      if (data.kind === 'alarm-report') {
        const vehicle = vehicleOf(message.body.vehicle) ?? vehicleOf(data.vehicle);
        if (!vehicle) return { kind: 'other', messageId: 0x1400, dataType: message.body.dataType };
        return {
          kind: 'alarm',
          vehicle,
          warnSrc: data.warnSource ?? 0,
          warnType: data.warnType,
          warnAtMs: data.warnTimeMs,
          infoId: data.infoId ?? 0,
          infoContent: data.content,
        };
      }
      return { kind: 'other', messageId: 0x1400, dataType: message.body.dataType };
    }
    case 0x1600: {
      const vehicle = vehicleOf(message.body.vehicle);
      const { data } = message.body;
      if (!vehicle || data.kind !== 'vehicle-static-info') return { kind: 'other', messageId: 0x1600, dataType: message.body.dataType };
      return { kind: 'static-info', vehicle, staticInfo: Object.fromEntries(parseCarInfo(data.carInfo)) };
    }
    default:
      return { kind: 'other', messageId: message.messageId };
  }
};

/** The MSG_ID and body of an outbound message, or undefined when the codec has no layout for it yet. */
const outboundOf = (
  message: OutboundMessage,
  edition: LinkParams['edition'],
): { messageId: Jt809SupportedMessageId; body: Jt809BodyMap[Jt809SupportedMessageId] } | undefined => {
  switch (message.kind) {
    case 'login-response':
      return { messageId: 0x1002, body: { result: message.result, verifyCode: message.verifyCode } };
    case 'logout-response':
      return { messageId: 0x1004, body: {} };
    case 'link-test-response':
      return { messageId: 0x1006, body: {} };
    case 'sub-link-login':
      return { messageId: 0x9001, body: { verifyCode: message.verifyCode } };
    case 'sub-link-test':
      return { messageId: 0x9005, body: {} };
    case 'sub-link-logout':
      return { messageId: 0x9003, body: { verifyCode: message.verifyCode } };
    case 'inspection-request':
      return {
        messageId: 0x9300,
        body: {
          vehicle: null,
          dataType: 0x9301,
          data: {
            kind: 'inspection-request',
            objectType: message.objectType,
            objectId: message.objectId,
            answerTimeMin: edition === '2019' ? message.answerTimeMin : null,
            infoId: message.infoId,
            question: message.question,
          },
        },
      };
    case 'supervision-request':
      return {
        messageId: 0x9400,
        body: {
          vehicle: edition === '2011' ? { plate: message.vehicle.plate, plateColor: message.vehicle.plateColour } : null,
          dataType: 0x9401,
          data: {
            kind: 'supervision-request',
            warnSource: message.warnSrc,
            warnType: message.warnType,
            warnTimeMs: message.warnAtMs,
            supervisionId: message.supervisionId,
            deadlineMs: message.deadlineAtMs,
            level: message.level,
            supervisor: message.supervisor,
            supervisorPhone: message.phone,
            supervisorEmail: message.email,
          },
        },
      };
    default:
      return undefined;
  }
};

const decode = <M>(frame: Uint8Array, params: LinkParams, read: (message: Jt809Message) => M): DecodedFrame<M> | WireError => {
  try {
    const message = decodeJt809Frame(frame, { edition: params.edition, keys: keysOf(params) });
    return { accessCode: message.header.accessCode, serial: message.header.serial, messageId: message.messageId, message: read(message) };
  } catch (error) {
    // A message this codec has no layout for: its header read, so it is an understood "other", not garbage.
    if (error instanceof Jt809DecodeError && error.kind === 'unsupported-message' && error.header)
      return {
        accessCode: error.header.accessCode,
        serial: error.header.serial,
        messageId: error.header.messageId,
        message: read(unsupported(error.header.messageId)),
      };
    return wireErrorOf(error);
  }
};

/** A stand-in message for an id without a layout, read by `read` as 'other'. */
const unsupported = (messageId: number): Jt809Message => ({ messageId, header: undefined, body: undefined }) as unknown as Jt809Message;

const encode = (message: OutboundMessage, params: LinkParams, serial: number, nowMs: number): Uint8Array => {
  const out = outboundOf(message, params.edition);
  if (!out) throw new Error(`jt809: no codec layout for ${message.kind} yet`);
  const keys = keysOf(params);
  return encodeJt809Frame(
    {
      messageId: out.messageId,
      serial,
      accessCode: params.accessCode,
      edition: params.edition,
      timeMs: params.edition === '2019' ? nowMs : null,
      encrypted: keys !== undefined,
      encryptKey: keys ? params.keys!.encryptKey : 0,
    },
    out.body as never,
    keys,
  );
};

const isKnown = (message: Jt809Message): boolean => message.header !== undefined;

export const jt809Wire: Jt809Wire = {
  deframer: (): Deframer => {
    const deframer = new Jt809Deframer();
    return {
      push: (bytes) => deframer.push(bytes).map((event) => (event.type === 'frame' ? event.frame : wireErrorOf(event.error))),
    };
  },
  accessCodeOf: (frame) => {
    try {
      return peekJt809Header(frame).accessCode;
    } catch {
      return undefined;
    }
  },
  decodeMain: (frame, params) =>
    decode(frame, params, (message) => (isKnown(message) ? inboundOf(message, Date.now()) : { kind: 'other', messageId: message.messageId })),
  decodeSub: (frame, params) =>
    decode<SubLinkInbound>(frame, params, (message) => {
      if (isKnown(message) && message.messageId === 0x9002) return { kind: 'sub-link-login-response', result: message.body.result };
      if (isKnown(message) && message.messageId === 0x9006) return { kind: 'sub-link-test-response' };
      return { kind: 'other', messageId: message.messageId };
    }),
  encodeMain: encode,
  encodeSub: encode,
};
