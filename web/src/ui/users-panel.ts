import { apiRole, auditAction, type AuditItem, type FieldIssue, type UserItem } from '@roadwatch/contracts';
import { ApiHttpError, type Api } from '../api';
import { onLangChange, t } from '../i18n';
import { auditQueryOf, createRequestOf, updateRequestOf, userFieldOf, type UserField, type UserForm } from '../users/user-form';
import { detached, fmtTime, h, queryForm, saveBlob, StatusLine } from './dom';
import { errorText } from './panel';

/**
 * 用户管理 (admin): the users with their role, company, region and state; a form that creates
 * or edits one; disable/enable, reset password (the one-time password is shown once) and the
 * user's sign-ins per row; below, the audit log with its filters and the CSV export. The form
 * is checked against the contract before it is sent; the API's refusal is shown beside the
 * field it names.
 */
export class UsersPanel {
  readonly el: HTMLElement;
  private users: UserItem[] = [];
  private audit: AuditItem[] = [];
  private signIns: { username: string; items: AuditItem[] } | undefined;
  /** The user being edited; undefined while the form creates one. */
  private editing: string | undefined;
  private loaded = false;
  private busy = false;
  private readonly status = new StatusLine('users-status', (key) => key === 'users.error');
  private readonly auditStatus = new StatusLine('audit-status', (key) => key === 'audit.error' || key === 'relay.rangeInvalid');
  private readonly usersTable = h('table', { class: 'report-table users-table', 'data-testid': 'users-table' });
  private readonly signInsEl = h('div', { class: 'users-signins', 'data-testid': 'users-signins', hidden: true });
  private readonly auditTable = h('table', { class: 'report-table audit-table', 'data-testid': 'audit-table' });
  private readonly inputs: Record<Exclude<UserField, 'role'>, HTMLInputElement>;
  private readonly roleSelect = h('select', { name: 'role', 'data-testid': 'user-role' });
  private readonly fieldIssues = new Map<UserField, HTMLElement>();
  private readonly formTitle = h('h4', { i18n: 'users.new' });
  private readonly submit = h('button', { type: 'submit', class: 'primary', i18n: 'users.create', 'data-testid': 'user-submit' });
  private readonly cancel = h('button', { type: 'button', i18n: 'users.cancel', hidden: true, onclick: () => this.edit(undefined) });
  private readonly formError = h('p', { class: 'case-error', 'data-testid': 'user-form-error' });
  private readonly formOk = h('p', { class: 'muted', 'data-testid': 'user-form-ok' });
  private readonly issued = h('p', { class: 'users-issued', 'data-testid': 'user-issued', hidden: true });
  private readonly filters: { actor: HTMLInputElement; action: HTMLSelectElement; from: HTMLInputElement; to: HTMLInputElement };

  constructor(
    private readonly api: Api,
    private readonly selfUsername: string,
  ) {
    const input = (name: Exclude<UserField, 'role'>, attrs: Record<string, string | number> = {}) =>
      h('input', { name, 'data-testid': `user-${name}`, ...attrs });
    this.inputs = {
      username: input('username', { maxlength: 64, autocomplete: 'off' }),
      companyId: input('companyId', { maxlength: 64 }),
      regionCode: input('regionCode', { maxlength: 12, inputmode: 'numeric' }),
      displayName: input('displayName', { maxlength: 100 }),
      password: input('password', { type: 'password', autocomplete: 'new-password', maxlength: 200 }),
    };
    const field = (name: UserField, control: HTMLElement) => {
      const issue = h('small', { class: 'case-error field-issue', 'data-field': name });
      this.fieldIssues.set(name, issue);
      control.addEventListener('input', () => (issue.textContent = ''));
      return h('label', { 'data-label': name }, h('span', { i18n: `users.${name}` }), control, issue);
    };
    const form = h(
      'form',
      {
        class: 'relay-form',
        novalidate: true,
        'data-testid': 'user-form',
        onsubmit: (e: Event) => {
          e.preventDefault();
          detached('users', this.save());
        },
      },
      this.formTitle,
      h(
        'div',
        { class: 'relay-fields' },
        field('username', this.inputs.username),
        field('role', this.roleSelect),
        field('companyId', this.inputs.companyId),
        field('regionCode', this.inputs.regionCode),
        field('displayName', this.inputs.displayName),
        field('password', this.inputs.password),
      ),
      h('div', { class: 'buttons' }, this.submit, this.cancel, this.formOk),
      this.formError,
      this.issued,
    );
    this.filters = {
      actor: h('input', { name: 'actor', 'data-testid': 'audit-actor', maxlength: 100 }),
      action: h('select', { name: 'action', 'data-testid': 'audit-action' }),
      from: h('input', { type: 'date', name: 'from', 'data-testid': 'audit-from' }),
      to: h('input', { type: 'date', name: 'to', 'data-testid': 'audit-to' }),
    };
    const auditForm = queryForm(
      'users',
      () => this.loadAudit(),
      h('h3', { i18n: 'audit.title' }),
      h('label', {}, h('span', { i18n: 'audit.actor' }), this.filters.actor),
      h('label', {}, h('span', { i18n: 'audit.action' }), this.filters.action),
      h('label', {}, h('span', { i18n: 'audit.from' }), this.filters.from),
      h('label', {}, h('span', { i18n: 'audit.to' }), this.filters.to),
      h('button', { type: 'submit', class: 'primary', i18n: 'audit.query', 'data-testid': 'audit-query' }),
      h('button', { type: 'button', i18n: 'audit.export', 'data-testid': 'audit-export', onclick: () => detached('users', this.exportFile('csv')) }),
      h('button', { type: 'button', i18n: 'report.exportXlsx', 'data-testid': 'audit-export-xlsx', onclick: () => detached('users', this.exportFile('xlsx')) }),
    );
    this.el = h(
      'section',
      { class: 'reports users', hidden: true, 'data-testid': 'users' },
      h('h3', { i18n: 'users.title' }),
      form,
      this.status.el,
      h('div', { class: 'report-scroll' }, this.usersTable, this.signInsEl, auditForm, this.auditStatus.el, this.auditTable),
    );
    this.renderChoices();
    onLangChange(() => {
      this.renderChoices();
      this.render();
    });
  }

  async show(): Promise<void> {
    this.el.hidden = false;
    if (!this.loaded) await Promise.all([this.load(), this.loadAudit()]);
  }

  hide(): void {
    this.el.hidden = true;
  }

  private renderChoices(): void {
    const role = this.roleSelect.value || 'operator';
    this.roleSelect.replaceChildren(...apiRole.options.map((r) => h('option', { value: r }, t(`role.${r}`))));
    this.roleSelect.value = role;
    const action = this.filters.action.value;
    this.filters.action.replaceChildren(
      h('option', { value: '' }, t('audit.anyAction')),
      ...auditAction.options.map((a) => h('option', { value: a }, t(`action.${a}`))),
    );
    this.filters.action.value = action;
  }

  private async load(): Promise<void> {
    this.loaded = true;
    this.status.set('users.loading');
    try {
      this.users = await this.api.users();
      this.status.set(undefined);
    } catch (e) {
      this.status.set('users.error', errorText(e));
    }
    this.render();
  }

  private async loadAudit(): Promise<void> {
    const query = auditQueryOf({
      actor: this.filters.actor.value,
      action: this.filters.action.value,
      from: this.filters.from.value,
      to: this.filters.to.value,
    });
    if (!query) {
      this.auditStatus.set('relay.rangeInvalid');
      return;
    }
    try {
      this.audit = await this.api.audit(query);
      this.auditStatus.set(this.audit.length === 0 ? 'audit.empty' : undefined);
    } catch (e) {
      this.audit = [];
      this.auditStatus.set('audit.error', errorText(e));
    }
    this.renderAudit();
  }

  private async exportFile(format: 'csv' | 'xlsx'): Promise<void> {
    const query = auditQueryOf({
      actor: this.filters.actor.value,
      action: this.filters.action.value,
      from: this.filters.from.value,
      to: this.filters.to.value,
    });
    if (!query) return this.auditStatus.set('relay.rangeInvalid');
    try {
      saveBlob(await this.api.auditFile(format, query), `audit-log.${format}`);
      // The export is audited: show it.
      await this.loadAudit();
    } catch (e) {
      this.auditStatus.set('audit.error', errorText(e));
    }
  }

  private readForm(): UserForm {
    return {
      role: this.roleSelect.value,
      username: this.inputs.username.value,
      companyId: this.inputs.companyId.value,
      regionCode: this.inputs.regionCode.value,
      displayName: this.inputs.displayName.value,
      password: this.inputs.password.value,
    };
  }

  private clearIssues(): void {
    for (const el of this.fieldIssues.values()) el.textContent = '';
    this.formError.textContent = '';
    this.formOk.textContent = '';
    this.issued.hidden = true;
    this.issued.textContent = '';
  }

  private showIssues(issues: readonly FieldIssue[]): void {
    const general: string[] = [];
    for (const issue of issues) {
      const field = userFieldOf(issue);
      const el = field ? this.fieldIssues.get(field) : undefined;
      if (el) el.textContent = el.textContent ? el.textContent : issue.message;
      else general.push(issue.message);
    }
    if (general.length > 0) this.formError.textContent = general.join('; ');
  }

  /** The one-time password, shown once with whom it is for. */
  private showIssued(username: string, temporaryPassword: string | undefined): void {
    if (!temporaryPassword) return;
    this.issued.hidden = false;
    this.issued.replaceChildren(
      h('span', { i18n: 'users.issued' }),
      ` ${username}: `,
      h('code', { 'data-testid': 'user-temporary-password' }, temporaryPassword),
    );
  }

  private edit(username: string | undefined): void {
    this.editing = username;
    this.clearIssues();
    const user = username ? this.users.find((u) => u.username === username) : undefined;
    this.inputs.username.value = user?.username ?? '';
    this.inputs.username.disabled = user !== undefined;
    this.roleSelect.value = user?.role ?? 'operator';
    this.inputs.companyId.value = user?.companyId ?? '';
    this.inputs.regionCode.value = user?.regionCode ?? '';
    this.inputs.displayName.value = user?.displayName ?? '';
    this.inputs.password.value = '';
    (this.inputs.password.closest('label') as HTMLElement).hidden = user !== undefined;
    this.formTitle.dataset.i18n = user ? 'users.editing' : 'users.new';
    this.formTitle.textContent = t(this.formTitle.dataset.i18n);
    this.submit.dataset.i18n = user ? 'users.save' : 'users.create';
    this.submit.textContent = t(this.submit.dataset.i18n);
    this.cancel.hidden = user === undefined;
  }

  private async save(): Promise<void> {
    if (this.busy) return;
    this.clearIssues();
    const form = this.readForm();
    const editing = this.editing;
    if (editing) {
      const built = updateRequestOf(form);
      if (!built.ok) return this.showIssues(built.issues);
      return this.act(async () => {
        await this.api.updateUser(editing, built.request);
        this.edit(undefined);
        this.formOk.textContent = t('users.saved');
      });
    }
    const built = createRequestOf(form);
    if (!built.ok) return this.showIssues(built.issues);
    return this.act(async () => {
      const created = await this.api.createUser(built.request);
      this.edit(undefined);
      this.showIssued(created.username, created.temporaryPassword);
      this.formOk.textContent = t('users.saved');
    });
  }

  private async setDisabled(username: string, disabled: boolean): Promise<void> {
    await this.act(() => this.api.setUserDisabled(username, disabled));
  }

  private async reset(username: string): Promise<void> {
    await this.act(async () => {
      const issued = await this.api.resetPassword(username);
      this.showIssued(username, issued.temporaryPassword);
    });
  }

  private async showSignIns(username: string): Promise<void> {
    try {
      this.signIns = { username, items: await this.api.signIns(username) };
    } catch (e) {
      this.signIns = undefined;
      this.formError.textContent = `${t('users.failed')}: ${errorText(e)}`;
    }
    this.renderSignIns();
  }

  /** One admin action: the API's refusal beside its field, then the users and the log reloaded (the action is in it). */
  private async act(action: () => Promise<unknown>): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await action();
      await Promise.all([this.load(), this.loadAudit()]);
    } catch (e) {
      this.formError.textContent = `${t('users.failed')}: ${errorText(e)}`;
      if (e instanceof ApiHttpError) this.showIssues(e.issues.filter((i) => userFieldOf(i) !== undefined));
    } finally {
      this.busy = false;
    }
  }

  private render(): void {
    this.status.refresh();
    const cols = [
      'users.username',
      'users.displayName',
      'users.role',
      'users.companyId',
      'users.regionCode',
      'users.status',
      'users.lastSignIn',
      'users.actions',
    ] as const;
    const button = (action: string, key: string, onclick: () => void) => h('button', { type: 'button', 'data-action': action, onclick }, t(key));
    const rows = this.users.map((u) =>
      h(
        'tr',
        { 'data-user': u.username },
        h('td', {}, u.username),
        h('td', {}, u.displayName ?? ''),
        h('td', {}, t(`role.${u.role}`)),
        h('td', {}, u.companyId ?? ''),
        h('td', {}, u.regionCode ?? ''),
        h(
          'td',
          { 'data-col': 'status' },
          [t(u.disabled ? 'users.disabled' : 'users.enabled'), ...(u.mustChangePassword ? [t('users.mustChange')] : [])].join(' · '),
        ),
        h('td', {}, u.lastSignInAtMs !== undefined ? fmtTime(u.lastSignInAtMs) : t('users.never')),
        h(
          'td',
          { class: 'actions' },
          button('edit', 'users.edit', () => this.edit(u.username)),
          ' ',
          // An admin cannot lock themselves out (the API refuses it too).
          u.username === this.selfUsername
            ? undefined
            : u.disabled
              ? button('enable', 'users.enable', () => detached('users', this.setDisabled(u.username, false)))
              : button('disable', 'users.disable', () => detached('users', this.setDisabled(u.username, true))),
          ' ',
          button('reset', 'users.reset', () => detached('users', this.reset(u.username))),
          ' ',
          button('sign-ins', 'users.signIns', () => detached('users', this.showSignIns(u.username))),
        ),
      ),
    );
    this.usersTable.replaceChildren(h('thead', {}, h('tr', {}, ...cols.map((c) => h('th', { 'data-col': c }, t(c))))), h('tbody', {}, ...rows));
    this.renderSignIns();
    this.renderAudit();
  }

  private renderSignIns(): void {
    this.signInsEl.hidden = this.signIns === undefined;
    if (!this.signIns) return;
    const { username, items } = this.signIns;
    this.signInsEl.replaceChildren(
      h('h4', {}, `${t('users.signInsOf')}${username}`),
      items.length === 0 ? h('p', { class: 'muted' }, t('audit.empty')) : this.auditRows(items, ['audit.at', 'audit.outcome', 'audit.reason', 'audit.address']),
    );
  }

  private renderAudit(): void {
    this.auditStatus.refresh();
    const table = this.auditRows(this.audit, [
      'audit.at',
      'audit.actor',
      'audit.action',
      'audit.target',
      'audit.outcome',
      'audit.reason',
      'audit.address',
      'audit.changes',
    ]);
    this.auditTable.replaceChildren(...table.childNodes);
  }

  private auditRows(items: readonly AuditItem[], cols: readonly string[]): HTMLTableElement {
    const cell: Record<string, (i: AuditItem) => string> = {
      'audit.at': (i) => fmtTime(i.atMs),
      'audit.actor': (i) => i.actor,
      'audit.action': (i) => t(`action.${i.action}`),
      'audit.target': (i) => i.target ?? '',
      'audit.outcome': (i) => t(`audit.${i.outcome}`),
      'audit.reason': (i) => i.reason ?? '',
      'audit.address': (i) => i.clientAddress ?? '',
      'audit.changes': (i) =>
        Object.entries(i.changes ?? {})
          .map(
            ([field, c]) => `${field}: ${c.before === undefined ? '∅' : JSON.stringify(c.before)} → ${c.after === undefined ? '∅' : JSON.stringify(c.after)}`,
          )
          .join('; '),
    };
    return h(
      'table',
      { class: 'report-table' },
      h('thead', {}, h('tr', {}, ...cols.map((c) => h('th', { 'data-col': c }, t(c))))),
      h(
        'tbody',
        {},
        ...items.map((i) => h('tr', { 'data-action': i.action, 'data-outcome': i.outcome }, ...cols.map((c) => h('td', { 'data-col': c }, cell[c]!(i))))),
      ),
    );
  }
}
