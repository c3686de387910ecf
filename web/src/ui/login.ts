import { ApiHttpError, login } from '../api';
import { unlockAudio } from '../feed/beep';
import type { LoginResponse } from '@roadwatch/contracts';
import { detached, h, tr } from './dom';
import { t } from '../i18n';

/** The login screen: POST /v1/auth/login, session (JWT) kept in sessionStorage by api.ts. */
export const renderLogin = (root: HTMLElement, langToggle: HTMLElement, onLoggedIn: (s: LoginResponse) => void): void => {
  const error = h('p', { class: 'login-error', role: 'alert' });
  const username = h('input', { name: 'username', autocomplete: 'username', required: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', i18n: 'login.submit' });
  const signIn = async (): Promise<void> => {
    unlockAudio(); // a user gesture: lets the severe-alert beep play later
    submit.disabled = true;
    error.textContent = '';
    try {
      onLoggedIn(await login(username.value.trim(), password.value));
    } catch (err) {
      error.dataset.i18n = err instanceof ApiHttpError && err.status < 500 ? 'login.failed' : 'login.error';
      error.textContent = t(error.dataset.i18n);
    } finally {
      submit.disabled = false;
    }
  };
  const form = h(
    'form',
    {
      class: 'login-card',
      onsubmit: (e: Event) => {
        e.preventDefault();
        detached('login', signIn());
      },
    },
    h('h1', { i18n: 'app.title' }),
    h('h2', { i18n: 'login.title' }),
    h('label', {}, tr('login.username'), username),
    h('label', {}, tr('login.password'), password),
    submit,
    error,
  );
  root.replaceChildren(h('div', { class: 'login-screen' }, h('div', { class: 'login-lang' }, langToggle), form));
  username.focus();
};
