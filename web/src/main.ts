import './styles.css';
import { loadSession } from './api';
import { startApp, type RunningApp } from './app';
import { initLang, lang, setLang } from './i18n';
import { h } from './ui/dom';
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
  renderLogin(root, langToggle, (session) => {
    window.__roadwatch = startApp(root, session, langToggle, showLogin);
  });
};

const session = loadSession();
if (session) window.__roadwatch = startApp(root, session, langToggle, showLogin);
else showLogin();
