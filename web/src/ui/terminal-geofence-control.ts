import type { TerminalAreaAlarmItem, TerminalDownlinkItem } from '@roadwatch/contracts';
import { ApiHttpError, type Api } from '../api';
import { lang, t, type Lang } from '../i18n';
import { detached, fmtTime, h } from './dom';

/** One send as the card lists it: when, what, and the terminal's answer. */
export const downlinkLine = (d: TerminalDownlinkItem, language: Lang = lang()): string =>
  `${fmtTime(d.requestedAtMs)} ${d.name} · ${t(`geofence.status.${d.status}`, language)}${d.reason ? ` (${d.reason})` : ''}`;

/** One of the terminal's own alarms: when, what, which area or route (named when the platform sent it). */
export const alarmLine = (a: TerminalAreaAlarmItem, language: Lang = lang()): string => {
  const where = a.geofence?.name ?? (a.areaId !== undefined ? `#${a.areaId}` : '');
  const direction = a.direction ? ` ${t(`geofence.direction.${a.direction}`, language)}` : '';
  return `${fmtTime(a.deviceTimeMs)} ${t(`geofence.kind.${a.kind}`, language)}${direction} ${where}`.trim();
};

/**
 * The vehicle card's "send to terminal" block (issue #16 item 6): the latest sends and their
 * outcome, the terminal's own area/route alarms (evidence only), and — for the monitoring centre
 * (`terminal_geofences.send`) — a form sending an approved route to the terminal. A refusal (a
 * route not bound, too many turning points) is shown as the API words it.
 */
export class TerminalGeofenceControl {
  readonly el = h('section', { class: 'terminal-geofences', 'data-testid': 'terminal-geofences' });
  private vehicleId: string | undefined;

  constructor(
    private readonly api: Api,
    private readonly maySend: boolean,
  ) {}

  open(vehicleId: string): void {
    this.vehicleId = vehicleId;
    detached('terminal geofences', this.refresh());
  }

  private async refresh(message?: string): Promise<void> {
    const vehicleId = this.vehicleId;
    if (!vehicleId) return;
    const [sends, alarms] = await Promise.all([this.api.terminalDownlinks(vehicleId, 5), this.api.terminalAreaAlarms(vehicleId, 5)]);
    if (this.vehicleId !== vehicleId) return;
    const routeId = h('input', { type: 'text', 'data-testid': 'geofence-route-id', placeholder: t('geofence.routeId') });
    const status = h('p', { class: 'form-status', 'data-testid': 'geofence-status' }, message ?? '');
    const form = this.maySend
      ? h(
          'form',
          {
            onsubmit: (e: Event) => {
              e.preventDefault();
              const id = routeId.value.trim();
              if (!id) return;
              status.textContent = t('geofence.sending');
              detached('send geofence', this.send(vehicleId, id));
            },
          },
          routeId,
          h('button', { type: 'submit', 'data-testid': 'geofence-send' }, t('geofence.send')),
          status,
        )
      : undefined;
    this.el.replaceChildren(
      h('h4', {}, t('geofence.title')),
      h('ul', { 'data-testid': 'geofence-sends' }, ...(sends.length > 0 ? sends.map((d) => h('li', {}, downlinkLine(d))) : [h('li', {}, t('geofence.none'))])),
      ...(form ? [form] : []),
      h('h4', {}, t('geofence.alarms')),
      h('ul', { 'data-testid': 'geofence-alarms' }, ...alarms.map((a) => h('li', {}, alarmLine(a)))),
    );
  }

  private async send(vehicleId: string, routeId: string): Promise<void> {
    try {
      const sent = await this.api.sendGeofence({ vehicleId, source: { kind: 'route', routeId } });
      await this.refresh(downlinkLine(sent));
    } catch (error) {
      await this.refresh(error instanceof ApiHttpError ? error.message : String(error));
    }
  }
}
