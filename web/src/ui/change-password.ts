import type { LoginResponse } from '@roadwatch/contracts';
import { ApiHttpError, changePassword } from '../api';
import { t } from '../i18n';
import { detached, h, tr } from './dom';
import { errorText } from './panel';

/**
 * The change-password page: shown instead of the app to a user who must change the password
 * (created by an admin, or reset), whose every other call the API refuses until then. The
 * new session the API answers replaces the old one.
 */
export const renderChangePassword = (
  root: HTMLElement,
  langToggle: HTMLElement,
  session: LoginResponse,
  onChanged: (s: LoginResponse) => void,
  onLogout: () => void,
): void => {
  const error = h('p', { class: 'login-error', role: 'alert', 'data-testid': 'pw-error' });
  const current = h('input', { name: 'currentPassword', type: 'password', autocomplete: 'current-password', required: true });
  const next = h('input', { name: 'newPassword', type: 'password', autocomplete: 'new-password', required: true, minlength: 10 });
  const confirm = h('input', { name: 'confirmPassword', type: 'password', autocomplete: 'new-password', required: true });
  const submit = h('button', { type: 'submit', i18n: 'pw.submit' });
  const changeIt = async (): Promise<void> => {
    error.textContent = '';
    if (next.value !== confirm.value) {
      error.textContent = t('pw.mismatch');
      return;
    }
    submit.disabled = true;
    try {
      onChanged(await changePassword(session.token, current.value, next.value));
    } catch (err) {
      if (err instanceof ApiHttpError && err.status === 401) return onLogout();
      // The API's words: which field and why (too short, too easy to guess, not the current password).
      error.textContent = `${t('pw.failed')}: ${err instanceof ApiHttpError && err.issues.length > 0 ? err.issues.map((i) => i.message).join('; ') : errorText(err)}`;
    } finally {
      submit.disabled = false;
    }
  };
  const form = h(
    'form',
    {
      class: 'login-card',
      'data-testid': 'change-password',
      onsubmit: (e: Event) => {
        e.preventDefault();
        detached('change password', changeIt());
      },
    },
    h('h1', { i18n: 'app.title' }),
    h('h2', { i18n: 'pw.title' }),
    h('p', { class: 'muted', i18n: 'pw.required' }),
    h('p', { class: 'muted', i18n: 'pw.rule' }),
    h('p', { class: 'muted' }, session.user.displayName ?? session.user.username),
    h('label', {}, tr('pw.current'), current),
    h('label', {}, tr('pw.new'), next),
    h('label', {}, tr('pw.confirm'), confirm),
    submit,
    h('button', { type: 'button', class: 'logout', i18n: 'logout', onclick: () => onLogout() }),
    error,
  );
  root.replaceChildren(h('div', { class: 'login-screen' }, h('div', { class: 'login-lang' }, langToggle), form));
  current.focus();
};
