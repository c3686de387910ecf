import { RELAY_VEHICLE_CLASSES, type FieldIssue, type RelayItem, type VehicleListItem } from '@roadwatch/contracts';
import { ApiHttpError, type Api } from '../api';
import { onLangChange, t } from '../i18n';
import {
  defaultRelayRange,
  relayFieldOf,
  relayIssueKeyOf,
  relayRangeOf,
  relayRequestOf,
  tonightOf,
  type RelayField,
  type RelayForm,
} from '../relays/relay-form';
import { detached, h, queryForm, StatusLine } from './dom';
import { errorText } from './panel';

/**
 * 接驳登记 (RULES.md §3): the relay registrations in the user's scope over a range of nights,
 * and the form registering one for a long-distance bus or tour coach the user may see (a
 * company user: its own). A registered relay exempts the vehicle from the 02:00–05:00 rule
 * that night. The form is checked against the contract before it is sent; the API's
 * refusal is shown beside the field it names.
 */
export class RelaysPanel {
  readonly el: HTMLElement;
  private readonly from: HTMLInputElement;
  private readonly to: HTMLInputElement;
  private readonly status = new StatusLine('relay-status', (key) => key === 'relay.error' || key === 'relay.deleteFailed' || key.startsWith('relay.range'));
  private readonly table = h('table', { class: 'report-table relay-table', 'data-testid': 'relay-table' });
  private readonly vehicleSelect = h('select', { name: 'vehicleId', 'data-testid': 'relay-vehicle' });
  private readonly inputs: Record<Exclude<RelayField, 'vehicleId'>, HTMLInputElement>;
  private readonly fieldIssues = new Map<RelayField, HTMLElement>();
  private readonly formError = h('p', { class: 'case-error', 'data-testid': 'relay-form-error' });
  private readonly formOk = h('p', { class: 'muted', 'data-testid': 'relay-form-ok' });
  private vehicles: VehicleListItem[] = [];
  private items: RelayItem[] | undefined;
  private loaded = false;
  private busy = false;
  private confirming: string | undefined;

  constructor(
    private readonly api: Api,
    nowMs: () => number = Date.now,
  ) {
    const range = defaultRelayRange(nowMs());
    this.from = h('input', { type: 'date', name: 'fromDate', value: range.fromDate, 'data-testid': 'relay-from' });
    this.to = h('input', { type: 'date', name: 'toDate', value: range.toDate, 'data-testid': 'relay-to' });
    const input = (name: RelayField, attrs: Record<string, string | number> = {}) => h('input', { name, 'data-testid': `relay-${name}`, ...attrs });
    this.inputs = {
      nightDate: input('nightDate', { type: 'date', value: tonightOf(nowMs()) }),
      relayPoint: input('relayPoint', { maxlength: 200 }),
      handingOverDriver: input('handingOverDriver', { maxlength: 100 }),
      takingOverDriver: input('takingOverDriver', { maxlength: 100 }),
      latitudeDeg: input('latitudeDeg', { type: 'number', step: 'any', inputmode: 'decimal' }),
      longitudeDeg: input('longitudeDeg', { type: 'number', step: 'any', inputmode: 'decimal' }),
    };
    const field = (name: RelayField, control: HTMLElement) => {
      const issue = h('small', { class: 'case-error field-issue', 'data-field': name });
      this.fieldIssues.set(name, issue);
      // A refusal speaks of the value refused: editing clears it.
      control.addEventListener('input', () => (issue.textContent = ''));
      return h('label', {}, h('span', { i18n: `relay.${name}` }), control, issue);
    };
    const registerForm = h(
      'form',
      {
        class: 'relay-form',
        novalidate: true,
        'data-testid': 'relay-form',
        onsubmit: (e: Event) => {
          e.preventDefault();
          detached('relays', this.register());
        },
      },
      h('h4', { i18n: 'relay.register' }),
      h(
        'div',
        { class: 'relay-fields' },
        field('vehicleId', this.vehicleSelect),
        field('nightDate', this.inputs.nightDate),
        field('relayPoint', this.inputs.relayPoint),
        field('handingOverDriver', this.inputs.handingOverDriver),
        field('takingOverDriver', this.inputs.takingOverDriver),
        field('latitudeDeg', this.inputs.latitudeDeg),
        field('longitudeDeg', this.inputs.longitudeDeg),
      ),
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', i18n: 'relay.submit' }), this.formOk),
      this.formError,
    );
    this.el = h(
      'section',
      { class: 'reports relays', hidden: true, 'data-testid': 'relays' },
      queryForm(
        'relays',
        () => this.load(),
        h('h3', { i18n: 'relay.title' }),
        h('label', {}, h('span', { i18n: 'relay.from' }), this.from),
        h('label', {}, h('span', { i18n: 'relay.to' }), this.to),
        h('button', { type: 'submit', class: 'primary', i18n: 'relay.query' }),
      ),
      h('p', { class: 'report-note', i18n: 'relay.note' }),
      registerForm,
      this.status.el,
      h('div', { class: 'report-scroll' }, this.table),
    );
    onLangChange(() => {
      this.renderVehicles();
      this.render();
    });
  }

  async show(): Promise<void> {
    this.el.hidden = false;
    if (!this.loaded) await Promise.all([this.loadVehicles(), this.load()]);
  }

  hide(): void {
    this.el.hidden = true;
  }

  /** The vehicles a relay may be registered for: the rule's passenger classes, as far as the API lets this user see. */
  private async loadVehicles(): Promise<void> {
    try {
      const lists = await Promise.all(RELAY_VEHICLE_CLASSES.map((vehicleClass) => this.api.vehicles({ vehicleClass })));
      this.vehicles = lists.flat().sort((a, b) => a.plate.localeCompare(b.plate));
    } catch (e) {
      this.formError.textContent = `${t('relay.vehiclesError')}: ${errorText(e)}`;
    }
    this.renderVehicles();
    this.render();
  }

  private renderVehicles(): void {
    const chosen = this.vehicleSelect.value;
    this.vehicleSelect.replaceChildren(
      h('option', { value: '' }, t(this.vehicles.length === 0 ? 'relay.noVehicles' : 'relay.chooseVehicle')),
      ...this.vehicles.map((v) => h('option', { value: v.vehicleId }, `${v.plate} · ${t(`class.${v.vehicleClass}`)}`)),
    );
    // The only vehicle is the one meant (a company with one coach); otherwise the user chooses.
    this.vehicleSelect.value = chosen || (this.vehicles.length === 1 ? this.vehicles[0]!.vehicleId : '');
  }

  async load(): Promise<void> {
    this.loaded = true;
    this.confirming = undefined;
    const range = relayRangeOf(this.from.value, this.to.value);
    if (!range.ok) {
      this.status.set(range.error === 'order' ? 'relay.rangeOrder' : 'relay.rangeInvalid');
      return;
    }
    this.status.set('relay.loading');
    try {
      this.items = await this.api.relays(range.fromDate, range.toDate);
      this.status.set(this.items.length === 0 ? 'relay.empty' : undefined);
    } catch (e) {
      this.items = undefined;
      this.status.set('relay.error', errorText(e));
    }
    this.render();
  }

  private readForm(): RelayForm {
    return {
      vehicleId: this.vehicleSelect.value,
      nightDate: this.inputs.nightDate.value,
      relayPoint: this.inputs.relayPoint.value,
      handingOverDriver: this.inputs.handingOverDriver.value,
      takingOverDriver: this.inputs.takingOverDriver.value,
      latitudeDeg: this.inputs.latitudeDeg.value,
      longitudeDeg: this.inputs.longitudeDeg.value,
    };
  }

  /** Shows each issue beside its field; one about no field goes under the form. */
  private showIssues(issues: readonly FieldIssue[], form: RelayForm, fromApi: boolean): void {
    const general: string[] = [];
    for (const issue of issues) {
      const field = relayFieldOf(issue);
      const el = field ? this.fieldIssues.get(field) : undefined;
      if (!field || !el) {
        general.push(issue.message);
        continue;
      }
      const key = fromApi ? undefined : relayIssueKeyOf(field, form);
      el.textContent = key ? t(key) : issue.message;
    }
    if (general.length > 0) this.formError.textContent = general.join('; ');
  }

  private clearIssues(): void {
    for (const el of this.fieldIssues.values()) el.textContent = '';
    this.formError.textContent = '';
    this.formOk.textContent = '';
  }

  private async register(): Promise<void> {
    if (this.busy) return;
    this.clearIssues();
    const form = this.readForm();
    const built = relayRequestOf(form);
    if (!built.ok) {
      this.showIssues(built.issues, form, false);
      return;
    }
    this.busy = true;
    try {
      const saved = await this.api.registerRelay(built.request);
      this.formOk.textContent = `${t('relay.saved')}: ${this.plateOf(saved.vehicleId)} ${saved.nightDate}`;
      for (const name of ['relayPoint', 'handingOverDriver', 'takingOverDriver', 'latitudeDeg', 'longitudeDeg'] as const) this.inputs[name].value = '';
      await this.load();
    } catch (e) {
      // The API's refusal as it said it; beside the field it names when it names one.
      this.formError.textContent = `${t('relay.failed')}: ${errorText(e)}`;
      if (e instanceof ApiHttpError)
        this.showIssues(
          e.issues.filter((i) => relayFieldOf(i) !== undefined),
          form,
          true,
        );
    } finally {
      this.busy = false;
    }
  }

  private async remove(relayId: string): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.api.deleteRelay(relayId);
      await this.load();
    } catch (e) {
      this.confirming = undefined;
      this.status.set('relay.deleteFailed', errorText(e));
      this.render();
    } finally {
      this.busy = false;
    }
  }

  private plateOf(vehicleId: string): string {
    return this.vehicles.find((v) => v.vehicleId === vehicleId)?.plate ?? vehicleId;
  }

  /** Deleting asks first, in the row: a registration deleted by mistake exposes the vehicle to the night rule. */
  private confirm(relayId: string | undefined): void {
    this.confirming = relayId;
    this.render();
  }

  private actionsOf(r: RelayItem): HTMLElement {
    if (this.confirming !== r.relayId) {
      return h(
        'td',
        { class: 'actions' },
        h('button', { type: 'button', class: 'relay-delete', 'data-action': 'delete', onclick: () => this.confirm(r.relayId) }, t('relay.delete')),
      );
    }
    return h(
      'td',
      { class: 'actions confirming' },
      h('span', {}, t('relay.confirmDelete')),
      ' ',
      h(
        'button',
        { type: 'button', class: 'danger', 'data-action': 'confirm-delete', onclick: () => detached('relays', this.remove(r.relayId)) },
        t('relay.confirm'),
      ),
      ' ',
      h('button', { type: 'button', 'data-action': 'cancel-delete', onclick: () => this.confirm(undefined) }, t('relay.cancel')),
    );
  }

  private render(): void {
    this.status.refresh();
    const cols = ['relay.plate', 'relay.night', 'relay.relayPoint', 'relay.drivers', 'relay.registeredBy', 'relay.actions'] as const;
    const head = h('tr', {}, ...cols.map((c) => h('th', { 'data-col': c }, t(c))));
    const body = (this.items ?? []).map((r) =>
      h(
        'tr',
        { 'data-relay-id': r.relayId, 'data-vehicle-id': r.vehicleId, 'data-night': r.nightDate },
        h('td', { 'data-col': 'plate' }, r.plate ?? this.plateOf(r.vehicleId)),
        h('td', { 'data-col': 'night' }, r.nightDate),
        h(
          'td',
          { 'data-col': 'relayPoint' },
          r.relayPoint,
          r.latitudeDeg !== undefined && r.longitudeDeg !== undefined
            ? h('small', { class: 'muted' }, ` (${r.latitudeDeg.toFixed(5)}, ${r.longitudeDeg.toFixed(5)})`)
            : undefined,
        ),
        h('td', { 'data-col': 'drivers' }, `${r.handingOverDriver} → ${r.takingOverDriver}`),
        h('td', { 'data-col': 'registeredBy' }, r.registeredBy),
        this.actionsOf(r),
      ),
    );
    this.table.replaceChildren(h('thead', {}, head), h('tbody', {}, ...body));
  }
}
