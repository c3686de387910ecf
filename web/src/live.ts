import { io, type Socket } from 'socket.io-client';
import {
  LIVE_EVENTS,
  LIVE_NAMESPACE,
  alertAckEvent,
  alertItem,
  inspectionLiveEvent,
  liveSubscribeAck,
  positionsBatch,
  type AlertAckEvent,
  type AlertItem,
  type InspectionLiveEvent,
  type LiveSubscribe,
  type PositionsBatch,
  handlingLiveEvent,
  type HandlingLiveEvent,
} from '@roadwatch/contracts';

/**
 * The socket.io live feed: JWT in the handshake (`auth.token`), one subscription
 * (viewport and/or company) replaced on every map move, payloads validated against the
 * contracts so a server change shows up as a console error instead of a broken map.
 */
export interface LiveHandlers {
  positions(batch: PositionsBatch): void;
  alert(item: AlertItem): void;
  /** Someone acknowledged an alert (possibly on another screen). */
  alertAck(event: AlertAckEvent): void;
  status(connected: boolean): void;
  /** The server refused the token (expired or revoked): back to the login screen. */
  unauthorized(): void;
  /** A handling item new, escalated or changed (RULES §9): the 待处理 list and the on-duty board follow it. */
  handling?(event: HandlingLiveEvent): void;
  /** 查岗: one addressed to the user's company was sent (company users only hear their own). */
  inspection?(event: InspectionLiveEvent): void;
  /** 查岗: a company the user may see answered. */
  inspectionAnswered?(event: InspectionLiveEvent): void;
}

export class LiveFeed {
  private readonly socket: Socket;
  private subscription: LiveSubscribe | undefined;

  constructor(token: string, handlers: LiveHandlers) {
    this.socket = io(LIVE_NAMESPACE, { auth: { token }, transports: ['websocket', 'polling'] });
    this.socket.on('connect', () => {
      handlers.status(true);
      if (this.subscription) this.send(this.subscription);
    });
    this.socket.on('disconnect', () => handlers.status(false));
    this.socket.on('connect_error', (e) => {
      console.warn('[live] connect error', e.message);
      handlers.status(false);
      if (e.message === 'unauthenticated') handlers.unauthorized();
    });
    this.socket.on(LIVE_EVENTS.positions, (payload: unknown) => {
      const r = positionsBatch.safeParse(payload);
      if (r.success) handlers.positions(r.data);
      else console.error('[live] bad positions batch', r.error.issues);
    });
    this.socket.on(LIVE_EVENTS.alert, (payload: unknown) => {
      const r = alertItem.safeParse(payload);
      if (r.success) handlers.alert(r.data);
      else console.error('[live] bad alert', r.error.issues);
    });
    this.onAck(handlers);
    this.socket.on(LIVE_EVENTS.handling, (payload: unknown) => {
      const r = handlingLiveEvent.safeParse(payload);
      if (r.success) handlers.handling?.(r.data);
      else console.error('[live] bad handling event', r.error.issues);
    });
    for (const [event, handler] of [
      [LIVE_EVENTS.inspection, handlers.inspection],
      [LIVE_EVENTS.inspectionAnswered, handlers.inspectionAnswered],
    ] as const) {
      this.socket.on(event, (payload: unknown) => {
        const r = inspectionLiveEvent.safeParse(payload);
        if (r.success) handler?.(r.data);
        else console.error(`[live] bad ${event}`, r.error.issues);
      });
    }
    // The server ends the socket when the token expires or its user is disabled or changed: sign in again.
    this.socket.on(LIVE_EVENTS.sessionEnded, () => handlers.unauthorized());
  }

  private onAck(handlers: LiveHandlers): void {
    this.socket.on(LIVE_EVENTS.alertAck, (payload: unknown) => {
      const r = alertAckEvent.safeParse(payload);
      if (r.success) handlers.alertAck(r.data);
      else console.error('[live] bad alertAck', r.error.issues);
    });
  }

  subscribe(s: LiveSubscribe): void {
    this.subscription = s;
    if (this.socket.connected) this.send(s);
  }

  close(): void {
    this.socket.close();
  }

  private send(s: LiveSubscribe): void {
    this.socket.emit(LIVE_EVENTS.subscribe, s, (ack: unknown) => {
      const r = liveSubscribeAck.safeParse(ack);
      if (!r.success || !r.data.ok) console.warn('[live] subscribe refused', r.success && !r.data.ok ? r.data.error : ack);
    });
  }
}
