import type { DriverShiftItem, VehicleListItem } from '@roadwatch/contracts';
import type { Api } from '../api';
import { onLangChange, t } from '../i18n';
import { msToChinaLocal, shiftRequestOf, type ShiftForm } from '../roster/roster-form';
import { detached, h, StatusLine } from './dom';
import { errorText, Panel } from './panel';

/**
 * 排班 (issue #15; RULES.md §15 "Four parties"): the shift roster in the user's scope — who drives
 * which vehicle when — with add, edit and delete. A case names the rostered driver when no IC
 * card names one. The form is checked against the contract before it is sent; the API's refusal
 * (an overlapping shift of the vehicle, another company's driver) is shown as it said it.
 */
export class RosterPanel extends Panel {
  readonly el: HTMLElement;
  private readonly status = new StatusLine('roster-status', (key) => key === 'roster.error');
  private readonly table = h('table', { class: 'report-table roster-table', 'data-testid': 'roster-table' });
  private readonly vehicleSelect = h('select', { name: 'vehicleId', 'data-testid': 'roster-vehicle' });
  private readonly driverInput = h('input', { name: 'driverId', maxlength: 64, 'data-testid': 'roster-driver' });
  private readonly startsInput = h('input', { name: 'startsAt', type: 'datetime-local', 'data-testid': 'roster-starts' });
  private readonly endsInput = h('input', { name: 'endsAt', type: 'datetime-local', 'data-testid': 'roster-ends' });
  private readonly formError = h('p', { class: 'case-error', 'data-testid': 'roster-form-error' });
  private readonly submit = h('button', { type: 'submit', class: 'primary', i18n: 'roster.add', 'data-testid': 'roster-submit' });
  private vehicles: VehicleListItem[] = [];
  private items: DriverShiftItem[] = [];
  /** The shift being edited; undefined when the form adds one. */
  private editing: string | undefined;

  constructor(private readonly api: Api) {
    super('first show');
    const label = (key: string, control: HTMLElement) => h('label', {}, h('span', { i18n: key }), control);
    this.el = h(
      'section',
      { class: 'reports roster', hidden: true, 'data-testid': 'roster' },
      h('h3', { i18n: 'roster.title' }),
      h('p', { class: 'report-note', i18n: 'roster.note' }),
      h(
        'form',
        {
          class: 'relay-form',
          novalidate: true,
          'data-testid': 'roster-form',
          onsubmit: (e: Event) => {
            e.preventDefault();
            detached('roster', this.save());
          },
        },
        h(
          'div',
          { class: 'relay-fields' },
          label('roster.vehicle', this.vehicleSelect),
          label('roster.driver', this.driverInput),
          label('roster.startsAt', this.startsInput),
          label('roster.endsAt', this.endsInput),
        ),
        h('div', { class: 'buttons' }, this.submit),
        this.formError,
      ),
      this.status.el,
      h('div', { class: 'report-scroll' }, this.table),
    );
    onLangChange(() => this.render());
  }

  async load(): Promise<void> {
    this.loaded = true;
    this.status.set('roster.loading');
    try {
      [this.vehicles, this.items] = await Promise.all([this.api.vehicles({}), this.api.rosterShifts()]);
      this.status.set(this.items.length === 0 ? 'roster.empty' : undefined);
    } catch (e) {
      this.status.set('roster.error', errorText(e));
    }
    this.render();
  }

  private readForm(): ShiftForm {
    return { vehicleId: this.vehicleSelect.value, driverId: this.driverInput.value, startsAt: this.startsInput.value, endsAt: this.endsInput.value };
  }

  private async save(): Promise<void> {
    this.formError.textContent = '';
    const built = shiftRequestOf(this.readForm());
    if (!built.ok) {
      this.formError.textContent = built.issues.map((i) => `${t(`roster.${i.field}`)}: ${i.message}`).join('; ');
      return;
    }
    try {
      await this.api.saveRosterShift(built.request, this.editing);
      this.editing = undefined;
      await this.load();
    } catch (e) {
      this.formError.textContent = `${t('roster.failed')}: ${errorText(e)}`;
    }
  }

  private edit(shift: DriverShiftItem): void {
    this.editing = shift.shiftId;
    this.vehicleSelect.value = shift.vehicleId;
    this.driverInput.value = shift.driverId;
    this.startsInput.value = msToChinaLocal(shift.startsAtMs);
    this.endsInput.value = msToChinaLocal(shift.endsAtMs);
    this.render();
  }

  private async remove(shiftId: string): Promise<void> {
    try {
      await this.api.deleteRosterShift(shiftId);
      if (this.editing === shiftId) this.editing = undefined;
      await this.load();
    } catch (e) {
      this.status.set('roster.error', errorText(e));
    }
  }

  private render(): void {
    const chosen = this.vehicleSelect.value;
    const plateOf = (vehicleId: string) => this.vehicles.find((v) => v.vehicleId === vehicleId)?.plate ?? vehicleId;
    this.vehicleSelect.replaceChildren(
      h('option', { value: '' }, t('roster.chooseVehicle')),
      ...this.vehicles.map((v) => h('option', { value: v.vehicleId }, v.plate)),
    );
    this.vehicleSelect.value = chosen;
    this.submit.textContent = t(this.editing ? 'roster.update' : 'roster.add');
    const time = (ms: number) => msToChinaLocal(ms).replace('T', ' ');
    this.table.replaceChildren(
      h('thead', {}, h('tr', {}, ...['roster.vehicle', 'roster.driver', 'roster.startsAt', 'roster.endsAt', 'roster.actions'].map((k) => h('th', {}, t(k))))),
      h(
        'tbody',
        {},
        ...this.items.map((s) =>
          h(
            'tr',
            { 'data-shift': s.shiftId },
            h('td', {}, plateOf(s.vehicleId)),
            h('td', {}, s.driverId),
            h('td', {}, time(s.startsAtMs)),
            h('td', {}, time(s.endsAtMs)),
            h(
              'td',
              {},
              h('button', { type: 'button', 'data-testid': 'roster-edit', onclick: () => this.edit(s) }, t('roster.edit')),
              h('button', { type: 'button', 'data-testid': 'roster-delete', onclick: () => detached('roster', this.remove(s.shiftId)) }, t('roster.delete')),
            ),
          ),
        ),
      ),
    );
  }
}
