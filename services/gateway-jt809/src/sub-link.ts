import net from 'node:net';
import type { Logger } from '@roadwatch/runtime';
import type { OutboundMessage } from './link-messages';
import { isWireError, type Jt809Wire, type LinkParams } from './wire';

export interface SubLinkOptions {
  wire: Jt809Wire;
  params: LinkParams;
  host: string;
  port: number;
  verifyCode: number;
  /** The platform's MSG_SN counter, shared with its main link. */
  nextSerial: () => number;
  nowMs: () => number;
  logger: Logger;
  /** Between attempts to (re)open it while the main link lives; doubles up to 8 times this. */
  retryDelayMs: number;
  /** 0x9005 link test period once logged in. */
  testIntervalMs: number;
  onStateChange?: (up: boolean) => void;
}

/**
 * The sub-link (从链路): the upper platform connects back to the lower platform's
 * DOWN_LINK_IP:DOWN_LINK_PORT given in 0x1001 and logs in with the VERIFY_CODE of 0x1002
 * (0x9001 → 0x9002 result 0). 查岗 and 督办 go out on it while it is up (the main link
 * carries them while it is not). Reopened while the main link lives; 0x9003 on close.
 */
export class SubLink {
  private socket: net.Socket | undefined;
  private up = false;
  private closed = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private testTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SubLinkOptions) {
    this.open();
  }

  get isUp(): boolean {
    return this.up;
  }

  /** Writes on the sub-link, answering the frame's serial; undefined when it is not up (the caller uses the main link). */
  send(message: OutboundMessage): number | undefined {
    if (!this.up || !this.socket) return undefined;
    return this.write(message);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.testTimer);
    if (this.socket && this.up) this.write({ kind: 'sub-link-logout', verifyCode: this.options.verifyCode });
    this.setUp(false);
    this.socket?.end();
    this.socket?.destroy();
  }

  private write(message: OutboundMessage): number {
    const serial = this.options.nextSerial();
    this.socket?.write(this.options.wire.encodeSub(message, this.options.params, serial, this.options.nowMs()));
    return serial;
  }

  private setUp(up: boolean): void {
    if (this.up === up) return;
    this.up = up;
    this.options.onStateChange?.(up);
  }

  private open(): void {
    if (this.closed) return;
    const { host, port, logger, wire, params } = this.options;
    const socket = net.connect({ host, port });
    this.socket = socket;
    const deframer = wire.deframer();
    socket.on('connect', () => this.write({ kind: 'sub-link-login', verifyCode: this.options.verifyCode }));
    socket.on('data', (bytes) => {
      for (const frame of deframer.push(bytes)) {
        if (isWireError(frame)) continue;
        const decoded = wire.decodeSub(frame, params);
        if (isWireError(decoded)) {
          logger.warn({ accessCode: params.accessCode, kind: decoded.kind, err: decoded.message }, 'jt809: sub-link frame refused');
          continue;
        }
        if (decoded.message.kind === 'sub-link-login-response') {
          if (decoded.message.result === 0) {
            this.attempt = 0;
            this.setUp(true);
            clearInterval(this.testTimer);
            this.testTimer = setInterval(() => this.send({ kind: 'sub-link-test' }), this.options.testIntervalMs);
            this.testTimer.unref();
            logger.info({ accessCode: params.accessCode, host, port }, 'jt809: sub-link up');
          } else {
            logger.warn({ accessCode: params.accessCode, result: decoded.message.result }, 'jt809: sub-link login refused by the lower platform');
            socket.destroy();
          }
        }
      }
    });
    socket.on('error', (error) => logger.warn({ accessCode: params.accessCode, host, port, err: error.message }, 'jt809: sub-link error'));
    socket.on('close', () => {
      clearInterval(this.testTimer);
      this.setUp(false);
      if (this.closed || this.socket !== socket) return;
      const delayMs = this.options.retryDelayMs * 2 ** Math.min(this.attempt, 3);
      this.attempt += 1;
      this.retryTimer = setTimeout(() => this.open(), delayMs);
      this.retryTimer.unref();
    });
  }
}
