import { alertRule, severity, type ApiUser, type DeliveryAttemptItemDto, type DeliveryRouteItem, type DeliverySettingsResponse } from '@roadwatch/contracts';
import type { Api } from '../api';
import { onLangChange, t } from '../i18n';
import { detached, h, queryForm, StatusLine } from './dom';
import { errorText, Panel } from './panel';

const timeOf = (ms: number | undefined): string => (ms === undefined ? '' : new Date(ms).toLocaleString(undefined, { hour12: false }));

/**
 * 报警投递 (RULES.md §9 "Delivery", issue #14 item 1): a company's routing (webhook and SMS
 * channels with rule and severity filters), its signing secret (issued here, shown once) and
 * every delivery attempt with its outcome. A company user sees its own company; the admin
 * names the company. What may be done is the API's decision: this panel only shows it.
 */
export class DeliveryPanel extends Panel {
  readonly el: HTMLElement;
  private readonly status = new StatusLine('delivery-status', (key) => key === 'delivery.error' || key === 'delivery.failed');
  private readonly companyInput: HTMLInputElement;
  private readonly settingsEl = h('div', { class: 'delivery-settings', 'data-testid': 'delivery-settings' });
  private readonly secretOnce = h('p', { class: 'delivery-secret-once', hidden: true, 'data-testid': 'delivery-secret-once' });
  private readonly routesTable = h('table', { class: 'report-table', 'data-testid': 'delivery-routes' });
  private readonly attemptsTable = h('table', { class: 'report-table', 'data-testid': 'delivery-attempts' });
  private readonly channel = h('select', { name: 'channel', 'data-testid': 'delivery-channel' });
  private readonly target = h('input', { name: 'target', maxlength: 2000, 'data-testid': 'delivery-target' });
  private readonly rules = h('select', { name: 'rules', multiple: true, size: 4, 'data-testid': 'delivery-rules' });
  private readonly minSeverity = h('select', { name: 'minSeverity', 'data-testid': 'delivery-min-severity' });
  private readonly outcomeFilter = h('select', { name: 'outcome', 'data-testid': 'delivery-outcome-filter' });
  private readonly channelFilter = h('select', { name: 'channelFilter', 'data-testid': 'delivery-channel-filter' });
  private readonly formError = h('p', { class: 'case-error', 'data-testid': 'delivery-form-error' });
  private settings: DeliverySettingsResponse | undefined;
  private attempts: DeliveryAttemptItemDto[] = [];
  private busy = false;

  constructor(
    private readonly api: Api,
    user: Pick<ApiUser, 'role' | 'companyId'>,
  ) {
    super('first show');
    this.companyInput = h('input', { name: 'companyId', value: user.companyId ?? '', 'data-testid': 'delivery-company' });
    // A company user's company is its own: nothing to choose.
    if (user.role === 'company') this.companyInput.readOnly = true;
    this.el = h(
      'section',
      { class: 'reports delivery', hidden: true, 'data-testid': 'delivery' },
      queryForm(
        'delivery',
        () => this.load(),
        h('h3', { i18n: 'delivery.title' }),
        h('label', {}, h('span', { i18n: 'delivery.company' }), this.companyInput),
        h('label', {}, h('span', { i18n: 'delivery.outcome' }), this.outcomeFilter),
        h('label', {}, h('span', { i18n: 'delivery.channel' }), this.channelFilter),
        h('button', { type: 'submit', class: 'primary', i18n: 'delivery.load', 'data-testid': 'delivery-load' }),
      ),
      h('p', { class: 'report-note', i18n: 'delivery.note' }),
      this.status.el,
      h('h4', { i18n: 'delivery.settings' }),
      this.settingsEl,
      this.secretOnce,
      h('h4', { i18n: 'delivery.routes' }),
      h('div', { class: 'report-scroll' }, this.routesTable),
      h(
        'form',
        {
          class: 'relay-form',
          novalidate: true,
          'data-testid': 'delivery-route-form',
          onsubmit: (e: Event) => {
            e.preventDefault();
            detached('delivery', this.addRoute());
          },
        },
        h(
          'div',
          { class: 'relay-fields' },
          h('label', {}, h('span', { i18n: 'delivery.channel' }), this.channel),
          h('label', {}, h('span', { i18n: 'delivery.target' }), this.target),
          h('label', {}, h('span', { i18n: 'delivery.rules' }), this.rules),
          h('label', {}, h('span', { i18n: 'delivery.minSeverity' }), this.minSeverity),
        ),
        h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', i18n: 'delivery.addRoute', 'data-testid': 'delivery-add-route' })),
        this.formError,
      ),
      h('h4', { i18n: 'delivery.attempts' }),
      h('div', { class: 'report-scroll' }, this.attemptsTable),
    );
    this.renderOptions();
    onLangChange(() => {
      this.renderOptions();
      this.render();
    });
  }

  private renderOptions(): void {
    const keep = (select: HTMLSelectElement, options: HTMLOptionElement[]) => {
      const chosen = [...select.selectedOptions].map((o) => o.value);
      select.replaceChildren(...options);
      for (const o of select.options) o.selected = chosen.includes(o.value);
    };
    keep(this.channel, [h('option', { value: 'webhook' }, t('delivery.channel.webhook')), h('option', { value: 'sms' }, t('delivery.channel.sms'))]);
    keep(
      this.rules,
      alertRule.options.map((r) => h('option', { value: r }, t(`rule.${r}`))),
    );
    keep(this.minSeverity, [
      h('option', { value: '' }, t('delivery.anySeverity')),
      ...severity.options.map((s) => h('option', { value: s }, t(`severity.${s}`))),
    ]);
    keep(this.outcomeFilter, [
      h('option', { value: '' }, t('delivery.allOutcomes')),
      ...(['delivered', 'failed', 'given_up'] as const).map((o) => h('option', { value: o }, t(`delivery.outcome.${o}`))),
    ]);
    keep(this.channelFilter, [
      h('option', { value: '' }, t('delivery.allChannels')),
      h('option', { value: 'webhook' }, t('delivery.channel.webhook')),
      h('option', { value: 'sms' }, t('delivery.channel.sms')),
    ]);
  }

  private get companyId(): string {
    return this.companyInput.value.trim();
  }

  async load(): Promise<void> {
    this.loaded = true;
    this.secretOnce.hidden = true;
    this.status.set('delivery.loading');
    try {
      const companyId = this.companyId;
      const [settings, attempts] = await Promise.all([
        companyId ? this.api.deliverySettings(companyId) : Promise.resolve(undefined),
        this.api.deliveryAttempts({
          ...(companyId ? { companyId } : {}),
          ...(this.outcomeFilter.value ? { outcome: this.outcomeFilter.value } : {}),
          ...(this.channelFilter.value ? { channel: this.channelFilter.value } : {}),
        }),
      ]);
      this.settings = settings;
      this.attempts = attempts;
      this.status.set(companyId ? undefined : 'delivery.chooseCompany');
    } catch (e) {
      this.settings = undefined;
      this.attempts = [];
      this.status.set('delivery.error', errorText(e));
    }
    this.render();
  }

  private async rotate(): Promise<void> {
    if (this.busy || !this.settings) return;
    this.busy = true;
    try {
      const issued = await this.api.rotateDeliverySecret(this.settings.companyId);
      await this.load();
      this.showSecret(issued.secret);
    } catch (e) {
      this.status.set('delivery.failed', errorText(e));
    } finally {
      this.busy = false;
    }
  }

  private showSecret(secret: string): void {
    this.secretOnce.replaceChildren(t('delivery.secretOnce'), ' ', h('code', { 'data-testid': 'delivery-secret-value' }, secret));
    this.secretOnce.hidden = false;
  }

  private async addRoute(): Promise<void> {
    if (this.busy || !this.settings) return;
    this.busy = true;
    this.formError.textContent = '';
    try {
      const rules = [...this.rules.selectedOptions].map((o) => alertRule.parse(o.value));
      const minSeverity = this.minSeverity.value ? severity.parse(this.minSeverity.value) : undefined;
      const saved = await this.api.saveDeliveryRoute(this.settings.companyId, {
        channel: this.channel.value === 'sms' ? 'sms' : 'webhook',
        target: this.target.value.trim(),
        rules,
        ...(minSeverity ? { minSeverity } : {}),
        enabled: true,
      });
      this.target.value = '';
      await this.load();
      if (saved.secretIssued) this.showSecret(saved.secretIssued.secret);
    } catch (e) {
      // The API's refusal as it said it (an unsafe URL names why).
      this.formError.textContent = `${t('delivery.failed')}: ${errorText(e)}`;
    } finally {
      this.busy = false;
    }
  }

  private async removeRoute(route: DeliveryRouteItem): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.api.deleteDeliveryRoute(route.companyId, route.routeId);
      await this.load();
    } catch (e) {
      this.status.set('delivery.failed', errorText(e));
    } finally {
      this.busy = false;
    }
  }

  private render(): void {
    this.status.refresh();
    const s = this.settings;
    this.settingsEl.replaceChildren(
      ...(s
        ? [
            h('p', {}, `${t('delivery.registeredWebhook')}: `, h('code', {}, s.registeredWebhookUrl ?? t('delivery.none'))),
            h(
              'p',
              {},
              `${t('delivery.secret')}: `,
              h(
                'span',
                { 'data-testid': 'delivery-secret-state' },
                s.secretSet ? `${t('delivery.secretSet')} (${timeOf(s.secretRotatedAtMs)})` : t('delivery.secretMissing'),
              ),
              ' ',
              h('button', { type: 'button', 'data-testid': 'delivery-rotate', onclick: () => detached('delivery', this.rotate()) }, t('delivery.rotate')),
            ),
          ]
        : []),
    );
    const routeCols = ['delivery.channel', 'delivery.target', 'delivery.rules', 'delivery.minSeverity', 'delivery.enabled', 'delivery.actions'] as const;
    this.routesTable.replaceChildren(
      h('thead', {}, h('tr', {}, ...routeCols.map((c) => h('th', {}, t(c))))),
      h(
        'tbody',
        {},
        ...(s?.routes ?? []).map((r) =>
          h(
            'tr',
            { 'data-route-id': r.routeId },
            h('td', {}, t(`delivery.channel.${r.channel}`)),
            h('td', { 'data-col': 'target' }, r.target),
            h('td', {}, r.rules.length === 0 ? t('delivery.allRules') : r.rules.map((rule) => t(`rule.${rule}`)).join('、')),
            h('td', {}, r.minSeverity ? t(`severity.${r.minSeverity}`) : t('delivery.anySeverity')),
            h('td', {}, t(r.enabled ? 'delivery.yes' : 'delivery.no')),
            h(
              'td',
              { class: 'actions' },
              h('button', { type: 'button', 'data-action': 'delete', onclick: () => detached('delivery', this.removeRoute(r)) }, t('delivery.delete')),
            ),
          ),
        ),
      ),
    );
    const attemptCols = [
      'delivery.at',
      'delivery.alert',
      'delivery.channel',
      'delivery.target',
      'delivery.attemptNo',
      'delivery.outcome',
      'delivery.httpStatus',
      'delivery.errorText',
      'delivery.nextAttempt',
    ] as const;
    this.attemptsTable.replaceChildren(
      h('thead', {}, h('tr', {}, ...attemptCols.map((c) => h('th', {}, t(c))))),
      h(
        'tbody',
        {},
        ...(this.attempts.length === 0
          ? [h('tr', {}, h('td', { colspan: attemptCols.length, class: 'muted' }, t('delivery.noAttempts')))]
          : this.attempts.map((a) =>
              h(
                'tr',
                { 'data-attempt-id': a.attemptId, 'data-outcome': a.outcome, 'data-alert-id': a.alertId },
                h('td', {}, timeOf(a.atMs)),
                h('td', {}, `${a.alertId} #${a.revision}`),
                h('td', {}, t(`delivery.channel.${a.channel}`)),
                h('td', {}, a.target),
                h('td', {}, String(a.attemptNo)),
                h('td', { class: `outcome-${a.outcome}` }, t(`delivery.outcome.${a.outcome}`)),
                h('td', {}, a.httpStatus === undefined ? '' : String(a.httpStatus)),
                h('td', {}, a.error ?? ''),
                h('td', {}, timeOf(a.nextAttemptAtMs)),
              ),
            )),
      ),
    );
  }
}
