import type {
  CompanyDto,
  DiscoveredVehicleItem,
  LowerPlatformAlarmItem,
  LowerPlatformItem,
  LowerPlatformRequestItem,
  SourceQualityItem,
} from '@roadwatch/contracts';
import { chinaDateOf, DAY_MS } from '@roadwatch/domain';
import type { Api } from '../api';
import { onLangChange, t, type MessageKey } from '../i18n';
import { accessCodeOf, EMPTY_PLATFORM_FORM, formOfPlatform, saveBodyOf, type PlatformFormFields } from '../lower-platforms/platform-form';
import { detached, fmtTime, h, StatusLine } from './dom';
import { refusalText } from './source-sites-panel';
import { errorText, Panel } from './panel';

const percent = (rate: number | undefined): string => (rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`);

/** What an answer says: a 查岗 answer's text (0x1301 INFO_CONTENT); a 督办 answer (0x1401 result) as recorded. */
const answerText = (answer: Record<string, unknown> | undefined): string => {
  if (!answer) return '';
  const content = answer['infoContent'];
  return typeof content === 'string' ? content : JSON.stringify(answer);
};

/** What the signed-in user may do beyond reading: `lower_platforms` admins edit and review; 查岗 needs `inspections.send`, 督办 `handling.duty`. */
export interface LowerPlatformsAbilities {
  inspect: boolean;
  supervise: boolean;
}

/**
 * 下级平台 (issue #17, admin): the JT/T 809 lower platforms — online now, edition, enabled — added,
 * edited and deleted here (the password and keys write-only: blank keeps the stored ones); the
 * vehicles they told of, accepted or rejected in place; the 0x1402 alarms they forwarded; 查岗 and
 * 督办 sent over their link with the answers; and the last 7 days' data quality by source.
 */
export class LowerPlatformsPanel extends Panel {
  readonly el: HTMLElement;
  private readonly status = new StatusLine('lower-platforms-status', (key) => key === 'lowerPlatforms.error' || key === 'lowerPlatforms.refused');
  private readonly platformsTable = h('table', { class: 'report-table', 'data-testid': 'lower-platforms-table' });
  private readonly qualityTable = h('table', { class: 'report-table', 'data-testid': 'lower-platforms-quality' });
  private readonly vehiclesTable = h('table', { class: 'report-table', 'data-testid': 'lower-platforms-vehicles' });
  private readonly alarmsTable = h('table', { class: 'report-table', 'data-testid': 'lower-platforms-alarms' });
  private readonly requestsTable = h('table', { class: 'report-table', 'data-testid': 'lower-platforms-requests' });
  private readonly formError = h('p', { class: 'report-status error', 'data-testid': 'lp-form-error' });
  private readonly formTitle = h('h4', { 'data-testid': 'lp-form-title' });
  private readonly fields = {
    accessCode: h('input', { inputmode: 'numeric', maxlength: 12, 'data-testid': 'lp-f-access-code' }),
    name: h('input', { maxlength: 200, 'data-testid': 'lp-f-name' }),
    companyId: h('select', { 'data-testid': 'lp-f-company' }),
    userId: h('input', { inputmode: 'numeric', maxlength: 12, 'data-testid': 'lp-f-user-id' }),
    password: h('input', { type: 'password', maxlength: 8, autocomplete: 'new-password', 'data-testid': 'lp-f-password' }),
    allowedSources: h('textarea', { rows: 3, cols: 28, 'data-testid': 'lp-f-sources' }),
    protocolVersion: h('select', { 'data-testid': 'lp-f-version' }, h('option', { value: '2019' }, '2019'), h('option', { value: '2011' }, '2011')),
    encrypt: h('input', { type: 'checkbox', 'data-testid': 'lp-f-encrypt' }),
    encryptKey: h('input', { maxlength: 12, 'data-testid': 'lp-f-key' }),
    m1: h('input', { maxlength: 12, 'data-testid': 'lp-f-m1' }),
    ia1: h('input', { maxlength: 12, 'data-testid': 'lp-f-ia1' }),
    ic1: h('input', { maxlength: 12, 'data-testid': 'lp-f-ic1' }),
    enabled: h('input', { type: 'checkbox', 'data-testid': 'lp-f-enabled' }),
  };
  private readonly form: HTMLFormElement;
  private readonly inspectForm: HTMLFormElement;
  private readonly inspectTarget = h('select', { 'data-testid': 'lp-inspect-platform' });
  private readonly question = h('input', { maxlength: 500, size: 40, 'data-testid': 'lp-inspect-question' });
  private readonly inspectWindow = h('input', { type: 'number', min: 1, max: 1440, value: 10, 'data-testid': 'lp-inspect-window' });
  private readonly alertId = h('input', { maxlength: 200, 'data-testid': 'lp-supervise-alert' });
  private readonly requestError = h('p', { class: 'report-status', 'data-testid': 'lp-request-status' });
  private platforms: LowerPlatformItem[] = [];
  private quality: SourceQualityItem[] = [];
  private vehicles: DiscoveredVehicleItem[] = [];
  private alarms: LowerPlatformAlarmItem[] = [];
  private requests: LowerPlatformRequestItem[] = [];
  private companies: CompanyDto[] = [];
  /** The access code being edited (its field locked: the code is the key), undefined for a new platform. */
  private editing: number | undefined;
  private confirmingDelete: number | undefined;

  constructor(
    private readonly api: Api,
    private readonly can: LowerPlatformsAbilities = { inspect: false, supervise: false },
  ) {
    super('every show');
    // The standard's own names (M1, IA1, IC1) are labels in every language: `{ text }` instead of a key.
    const field = (label: MessageKey | { text: string }, input: HTMLElement, hint?: MessageKey) =>
      h(
        'label',
        { class: 'lp-field' },
        typeof label === 'string' ? h('span', { i18n: label }) : h('span', {}, label.text),
        ' ',
        input,
        hint ? h('small', { class: 'muted', i18n: hint }) : undefined,
      );
    this.form = h(
      'form',
      {
        class: 'report-form lp-form',
        hidden: true,
        'data-testid': 'lp-form',
        onsubmit: (e: Event) => {
          e.preventDefault();
          detached('lower-platforms', this.save());
        },
      },
      this.formTitle,
      field('lowerPlatforms.accessCode', this.fields.accessCode),
      field('lowerPlatforms.name', this.fields.name),
      field('lowerPlatforms.company', this.fields.companyId),
      field('lowerPlatforms.userId', this.fields.userId),
      field('lowerPlatforms.password', this.fields.password, 'lowerPlatforms.passwordUnchanged'),
      field('lowerPlatforms.allowedSources', this.fields.allowedSources),
      field('lowerPlatforms.edition', this.fields.protocolVersion),
      field('lowerPlatforms.encrypt', this.fields.encrypt),
      field('lowerPlatforms.encryptKey', this.fields.encryptKey, 'lowerPlatforms.passwordUnchanged'),
      field({ text: 'M1' }, this.fields.m1),
      field({ text: 'IA1' }, this.fields.ia1),
      field({ text: 'IC1' }, this.fields.ic1),
      field('lowerPlatforms.enabled', this.fields.enabled),
      h('button', { type: 'submit', i18n: 'lowerPlatforms.save', 'data-testid': 'lp-save' }),
      ' ',
      h('button', { type: 'button', i18n: 'lowerPlatforms.cancel', 'data-testid': 'lp-cancel', onclick: () => this.closeForm() }),
      this.formError,
    );
    this.inspectForm = h(
      'form',
      { class: 'report-form', 'data-testid': 'lp-request-form', onsubmit: (e: Event) => e.preventDefault() },
      field('lowerPlatforms.platform', this.inspectTarget),
      field('lowerPlatforms.windowMinutes', this.inspectWindow),
      this.can.inspect ? field('lowerPlatforms.question', this.question) : undefined,
      this.can.inspect
        ? h('button', {
            type: 'button',
            i18n: 'lowerPlatforms.sendInspection',
            'data-testid': 'lp-inspect-send',
            onclick: () => detached('lower-platforms', this.sendRequest('inspection')),
          })
        : undefined,
      this.can.supervise ? field('lowerPlatforms.alertId', this.alertId) : undefined,
      this.can.supervise
        ? h('button', {
            type: 'button',
            i18n: 'lowerPlatforms.sendSupervision',
            'data-testid': 'lp-supervise-send',
            onclick: () => detached('lower-platforms', this.sendRequest('supervision')),
          })
        : undefined,
      this.requestError,
    );
    this.el = h(
      'section',
      { class: 'reports lower-platforms', hidden: true, 'data-testid': 'lower-platforms' },
      h('h3', { i18n: 'lowerPlatforms.title' }),
      h('p', { class: 'report-note', i18n: 'lowerPlatforms.note' }),
      this.status.el,
      h('button', { type: 'button', i18n: 'lowerPlatforms.add', 'data-testid': 'lp-add', onclick: () => this.openForm(undefined) }),
      this.form,
      h('div', { class: 'report-scroll' }, this.platformsTable),
      h('h4', { i18n: 'lowerPlatforms.quality' }),
      h('div', { class: 'report-scroll' }, this.qualityTable),
      h('h4', { i18n: 'lowerPlatforms.vehicles' }),
      h('div', { class: 'report-scroll' }, this.vehiclesTable),
      h('h4', { i18n: 'lowerPlatforms.alarms' }),
      h('div', { class: 'report-scroll' }, this.alarmsTable),
      h('h4', { i18n: 'lowerPlatforms.requests' }),
      this.can.inspect || this.can.supervise ? this.inspectForm : undefined,
      h('div', { class: 'report-scroll' }, this.requestsTable),
    );
    onLangChange(() => {
      this.status.refresh();
      this.formTitle.textContent = t(this.editing === undefined ? 'lowerPlatforms.formNew' : 'lowerPlatforms.formEdit');
      this.render();
    });
  }

  async load(): Promise<void> {
    this.status.set('lowerPlatforms.loading');
    try {
      const toDate = chinaDateOf(Date.now());
      const fromDate = chinaDateOf(Date.now() - 6 * DAY_MS);
      [this.platforms, this.quality, this.vehicles, this.alarms, this.requests, this.companies] = await Promise.all([
        this.api.lowerPlatforms(),
        this.api.lowerPlatformQuality(fromDate, toDate),
        this.api.discoveredVehicles(),
        this.api.lowerPlatformAlarms(),
        this.api.lowerPlatformRequests(),
        this.api.registryCompanies(),
      ]);
      this.status.set(this.platforms.length === 0 ? 'lowerPlatforms.empty' : undefined);
    } catch (e) {
      this.status.set('lowerPlatforms.error', errorText(e));
    }
    this.render();
  }

  private companyOptions(selected: string): void {
    this.fields.companyId.replaceChildren(
      h('option', { value: '', i18n: 'lowerPlatforms.noCompany' }),
      ...this.companies.map((c) => h('option', { value: c.companyId, selected: c.companyId === selected }, `${c.name} (${c.companyId})`)),
    );
    this.fields.companyId.value = selected;
  }

  private openForm(platform: LowerPlatformItem | undefined): void {
    const values = platform ? formOfPlatform(platform) : EMPTY_PLATFORM_FORM;
    this.editing = platform?.accessCode;
    this.formTitle.textContent = t(platform ? 'lowerPlatforms.formEdit' : 'lowerPlatforms.formNew');
    this.fields.accessCode.value = values.accessCode;
    this.fields.accessCode.readOnly = platform !== undefined;
    this.fields.name.value = values.name;
    this.companyOptions(values.companyId);
    this.fields.userId.value = values.userId;
    this.fields.password.value = '';
    this.fields.allowedSources.value = values.allowedSources;
    this.fields.protocolVersion.value = values.protocolVersion;
    this.fields.encrypt.checked = values.encrypt;
    for (const key of ['encryptKey', 'm1', 'ia1', 'ic1'] as const) this.fields[key].value = '';
    this.fields.enabled.checked = values.enabled;
    this.formError.textContent = '';
    this.form.hidden = false;
  }

  private closeForm(): void {
    this.form.hidden = true;
    this.editing = undefined;
  }

  private formFields(): PlatformFormFields {
    const f = this.fields;
    return {
      accessCode: f.accessCode.value,
      name: f.name.value,
      companyId: f.companyId.value,
      userId: f.userId.value,
      password: f.password.value,
      allowedSources: f.allowedSources.value,
      protocolVersion: f.protocolVersion.value === '2011' ? '2011' : '2019',
      encrypt: f.encrypt.checked,
      encryptKey: f.encryptKey.value,
      m1: f.m1.value,
      ia1: f.ia1.value,
      ic1: f.ic1.value,
      enabled: f.enabled.checked,
    };
  }

  /** Saves the form; a refusal stays beside it with the API's message naming the field, nothing lost from the inputs. */
  private async save(): Promise<void> {
    const values = this.formFields();
    const accessCode = accessCodeOf(values);
    if (accessCode === undefined) {
      this.formError.textContent = t('lowerPlatforms.badAccessCode');
      return;
    }
    try {
      await this.api.saveLowerPlatform(accessCode, saveBodyOf(values));
    } catch (e) {
      this.formError.textContent = `${t('lowerPlatforms.refused')}: ${refusalText(e)}`;
      return;
    }
    this.closeForm();
    await this.load();
    this.status.set('lowerPlatforms.saved');
  }

  private async remove(accessCode: number): Promise<void> {
    this.confirmingDelete = undefined;
    try {
      await this.api.deleteLowerPlatform(accessCode);
    } catch (e) {
      this.status.set('lowerPlatforms.refused', refusalText(e));
      this.render();
      return;
    }
    await this.load();
    this.status.set('lowerPlatforms.deleted');
  }

  /** Accept or reject in place: the row's status changes once the API has taken it. */
  private async review(vehicle: DiscoveredVehicleItem, decision: 'accepted' | 'rejected'): Promise<void> {
    try {
      await this.api.reviewDiscoveredVehicle(vehicle, decision);
    } catch (e) {
      this.status.set('lowerPlatforms.refused', refusalText(e));
      return;
    }
    this.vehicles = this.vehicles.map((v) =>
      v.accessCode === vehicle.accessCode && v.plate === vehicle.plate && v.plateColour === vehicle.plateColour ? { ...v, reviewStatus: decision } : v,
    );
    this.render();
  }

  private async sendRequest(kind: 'inspection' | 'supervision'): Promise<void> {
    const accessCode = Number(this.inspectTarget.value);
    const windowMinutes = Number(this.inspectWindow.value);
    try {
      if (kind === 'inspection') await this.api.inspectLowerPlatform(accessCode, this.question.value, windowMinutes);
      else await this.api.superviseLowerPlatform(accessCode, this.alertId.value, windowMinutes);
      this.requestError.classList.remove('error');
      this.requestError.textContent = t('lowerPlatforms.sent');
      this.requests = await this.api.lowerPlatformRequests();
      this.render();
    } catch (e) {
      // A contract refusal before sending (zod) or the API's: either names the field.
      const issues = (e as { issues?: Array<{ path?: PropertyKey[]; message: string }> }).issues;
      this.requestError.classList.add('error');
      this.requestError.textContent =
        e instanceof Error && e.name === 'ZodError' && issues
          ? issues.map((i) => `${(i.path ?? []).map(String).join('.')}: ${i.message}`).join('；')
          : refusalText(e);
    }
  }

  private actionsOf(p: LowerPlatformItem): HTMLElement {
    if (this.confirmingDelete === p.accessCode)
      return h(
        'td',
        { class: 'actions confirming' },
        h('span', {}, t('lowerPlatforms.confirmDelete').replace('{code}', String(p.accessCode))),
        ' ',
        h(
          'button',
          { type: 'button', class: 'danger', 'data-action': 'confirm-delete', onclick: () => detached('lower-platforms', this.remove(p.accessCode)) },
          t('lowerPlatforms.delete'),
        ),
        ' ',
        h(
          'button',
          {
            type: 'button',
            'data-action': 'cancel-delete',
            onclick: () => {
              this.confirmingDelete = undefined;
              this.render();
            },
          },
          t('lowerPlatforms.cancel'),
        ),
      );
    return h(
      'td',
      { class: 'actions' },
      h('button', { type: 'button', 'data-action': 'edit', onclick: () => this.openForm(p) }, t('lowerPlatforms.edit')),
      ' ',
      h(
        'button',
        {
          type: 'button',
          'data-action': 'delete',
          onclick: () => {
            this.confirmingDelete = p.accessCode;
            this.render();
          },
        },
        t('lowerPlatforms.delete'),
      ),
    );
  }

  private render(): void {
    const head = (...keys: string[]) => h('thead', {}, h('tr', {}, ...keys.map((key) => h('th', {}, t(key)))));
    const companyName = (companyId: string | undefined) => this.companies.find((c) => c.companyId === companyId)?.name ?? companyId ?? '—';
    this.platformsTable.replaceChildren(
      head(
        'lowerPlatforms.accessCode',
        'lowerPlatforms.name',
        'lowerPlatforms.company',
        'lowerPlatforms.userId',
        'lowerPlatforms.allowedSources',
        'lowerPlatforms.edition',
        'lowerPlatforms.encrypt',
        'lowerPlatforms.online',
        'lowerPlatforms.enabled',
        'lowerPlatforms.actions',
      ),
      h(
        'tbody',
        {},
        ...this.platforms.map((p) =>
          h(
            'tr',
            { 'data-testid': `lower-platform-${p.accessCode}` },
            h('td', {}, String(p.accessCode)),
            h('td', {}, p.name),
            h('td', {}, companyName(p.companyId)),
            h('td', {}, String(p.userId)),
            h('td', {}, p.allowedSources.join(', ')),
            h('td', {}, p.protocolVersion),
            h('td', {}, t(p.encrypt ? 'lowerPlatforms.yes' : 'lowerPlatforms.no')),
            h('td', {}, t(p.online ? 'lowerPlatforms.yes' : 'lowerPlatforms.no')),
            h('td', {}, t(p.enabled ? 'lowerPlatforms.yes' : 'lowerPlatforms.no')),
            this.actionsOf(p),
          ),
        ),
      ),
    );
    this.qualityTable.replaceChildren(
      head('lowerPlatforms.source', 'lowerPlatforms.vehicleCount', 'lowerPlatforms.onlineRate', 'lowerPlatforms.trackRate', 'lowerPlatforms.validRate'),
      h(
        'tbody',
        {},
        ...this.quality.map((q) =>
          h(
            'tr',
            { 'data-testid': `quality-${q.source}` },
            h('td', {}, q.source === 'jt808' ? t('lowerPlatforms.direct') : `${q.platformName ?? ''} (${q.source})`),
            h('td', {}, String(q.vehicles)),
            h('td', {}, percent(q.onlineRate)),
            h('td', {}, percent(q.trackCompletenessRate)),
            h('td', {}, percent(q.validRate)),
          ),
        ),
      ),
    );
    this.vehiclesTable.replaceChildren(
      head('lowerPlatforms.accessCode', 'card.plate', 'lowerPlatforms.review', 'lowerPlatforms.actions'),
      h(
        'tbody',
        {},
        ...this.vehicles.map((v) =>
          h(
            'tr',
            { 'data-testid': `lp-vehicle-${v.accessCode}-${v.plate}-${v.plateColour}` },
            h('td', {}, String(v.accessCode)),
            h('td', {}, v.plate),
            h('td', { 'data-col': 'review' }, t(`lowerPlatforms.review.${v.reviewStatus}`)),
            h(
              'td',
              { class: 'actions' },
              h(
                'button',
                {
                  type: 'button',
                  'data-action': 'accept',
                  disabled: v.reviewStatus === 'accepted',
                  onclick: () => detached('lower-platforms', this.review(v, 'accepted')),
                },
                t('lowerPlatforms.accept'),
              ),
              ' ',
              h(
                'button',
                {
                  type: 'button',
                  'data-action': 'reject',
                  disabled: v.reviewStatus === 'rejected',
                  onclick: () => detached('lower-platforms', this.review(v, 'rejected')),
                },
                t('lowerPlatforms.reject'),
              ),
            ),
          ),
        ),
      ),
    );
    this.alarmsTable.replaceChildren(
      head('lowerPlatforms.accessCode', 'card.plate', 'lowerPlatforms.warnType', 'lowerPlatforms.warnAt', 'lowerPlatforms.content'),
      h(
        'tbody',
        {},
        ...this.alarms.map((a) =>
          h(
            'tr',
            {},
            h('td', {}, String(a.accessCode)),
            h('td', {}, a.plate),
            h('td', {}, `0x${a.warnType.toString(16).padStart(4, '0')}`),
            h('td', {}, fmtTime(a.warnAtMs)),
            h('td', {}, a.infoContent),
          ),
        ),
      ),
    );
    const selectedTarget = this.inspectTarget.value;
    this.inspectTarget.replaceChildren(...this.platforms.map((p) => h('option', { value: String(p.accessCode) }, `${p.name} (${p.accessCode})`)));
    if (selectedTarget) this.inspectTarget.value = selectedTarget;
    this.requestsTable.replaceChildren(
      head(
        'lowerPlatforms.kind',
        'lowerPlatforms.accessCode',
        'lowerPlatforms.question',
        'lowerPlatforms.createdAt',
        'lowerPlatforms.deadline',
        'lowerPlatforms.state',
        'lowerPlatforms.answer',
      ),
      h(
        'tbody',
        {},
        ...this.requests.map((r) =>
          h(
            'tr',
            { 'data-testid': `lp-request-${r.requestId}` },
            h('td', {}, t(`lowerPlatforms.kind.${r.kind}`)),
            h('td', {}, String(r.accessCode)),
            h('td', {}, r.question),
            h('td', {}, fmtTime(r.createdAtMs)),
            h('td', {}, fmtTime(r.deadlineAtMs)),
            h('td', { 'data-col': 'state' }, t(r.answeredAtMs === undefined ? 'lowerPlatforms.unanswered' : 'lowerPlatforms.answered')),
            h('td', {}, answerText(r.answer)),
          ),
        ),
      ),
    );
  }
}
