import './styles.css';
import type { LoginResponse } from '@roadwatch/contracts';
import { clearSession, loadSession } from './api';
import { startApp, type RunningApp } from './app';
import { initLang, lang, setLang } from './i18n';
import { h } from './ui/dom';
import { renderChangePassword } from './ui/change-password';
import { renderLogin } from './ui/login';

/**
 * Entry: the login screen or the live map. `window.__roadwatch` exposes the running
 * app to the e2e test (and to an operator's devtools); it holds no secrets beyond what
 * the page already has.
 */
declare global {
  interface Window {
    __roadwatch?: RunningApp;
  }
}

initLang(localStorage);
document.documentElement.lang = lang() === 'zh' ? 'zh-CN' : 'en';
const root = document.getElementById('app')!;

const langToggle = h('button', { type: 'button', class: 'lang-toggle', 'data-testid': 'lang-toggle', i18n: 'lang.toggle' });
langToggle.addEventListener('click', () => setLang(lang() === 'zh' ? 'en' : 'zh', localStorage));

const showLogin = (): void => {
  window.__roadwatch = undefined;
  renderLogin(root, langToggle, enter);
};

/** The app, or first the change-password page for a user who must change it (the API refuses them everything else). */
const enter = (session: LoginResponse): void => {
  if (session.user.mustChangePassword) {
    renderChangePassword(root, langToggle, session, enter, () => {
      clearSession();
      showLogin();
    });
    return;
  }
  window.__roadwatch = startApp(root, session, langToggle, showLogin);
};

const session = loadSession();
if (session) enter(session);
else showLogin();
