import { chinaLocalIso } from '@roadwatch/domain';
import { onLangChange, t, type MessageKey } from '../i18n';

type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;

/** A tiny element builder: no framework. `data-i18n` keys are re-translated on language change. */
export const h = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Array<Node | string | undefined>
): HTMLElementTagNameMap[K] => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (k === 'i18n') {
      el.dataset.i18n = String(v);
      el.textContent = t(String(v));
    } else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== undefined) el.append(c);
  return el;
};

/**
 * Starts an async UI action without the event that asked for it waiting (a click, a tab, a map
 * update). The panels show their own errors where the user looks; whatever still escapes is
 * reported on the console, not left an unhandled rejection.
 */
export const detached = (what: string, work: Promise<unknown>): void => {
  work.catch((error: unknown) => console.error(`[${what}]`, error));
};

/** A panel's query bar: submitting it runs the panel's query in place instead of loading a page. */
export const queryForm = (what: string, run: () => Promise<unknown>, ...children: Array<Node | string | undefined>): HTMLFormElement =>
  h(
    'form',
    {
      class: 'report-form',
      onsubmit: (e: Event) => {
        e.preventDefault();
        detached(what, run());
      },
    },
    ...children,
  );

/**
 * A strip of tabs (the first one active): clicking one marks it active and runs the panel's
 * `select` for it in place. The panel keeps the mode it was told.
 */
export const tabStrip = <Id extends string>(
  what: string,
  tabs: ReadonlyArray<{ id: Id; i18n: MessageKey; testId: string }>,
  select: (id: Id) => Promise<unknown>,
): HTMLElement => {
  const buttons = tabs.map(({ id, i18n, testId }, index) =>
    h('button', {
      type: 'button',
      class: index === 0 ? 'tab active' : 'tab',
      i18n,
      'data-testid': testId,
      onclick: () => {
        for (const [other, button] of buttons.entries()) button.classList.toggle('active', other === index);
        detached(what, select(id));
      },
    }),
  );
  return h('nav', { class: 'tabs' }, ...buttons);
};

export const tr = (key: MessageKey): HTMLSpanElement => h('span', { i18n: key });

export const applyI18n = (root: ParentNode): void => {
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = t(el.dataset.i18n ?? '');
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-placeholder]')) el.setAttribute('placeholder', t(el.dataset.i18nPlaceholder ?? ''));
};

onLangChange(() => {
  applyI18n(document);
  document.documentElement.lang = t('lang.toggle') === 'English' ? 'zh-CN' : 'en';
});

/** `MM-DD HH:MM:SS` in China's time (GMT+8), as the rules and the monitoring centre read it, whatever the browser's zone. */
export const fmtTime = (ms: number): string => chinaLocalIso(ms).slice(5).replace('T', ' ');

/**
 * A translated status line of a view (loading, empty, an error with its detail). It keeps its
 * key, so `refresh()` after a language switch says the same thing in the other language.
 */
export class StatusLine {
  readonly el: HTMLElement;
  private key: string | undefined;
  private detail = '';

  constructor(
    testId: string,
    private readonly isError: (key: string) => boolean,
  ) {
    this.el = h('p', { class: 'report-status', 'data-testid': testId });
  }

  set(key: string | undefined, detail = ''): void {
    this.key = key;
    this.detail = detail;
    this.el.textContent = key ? `${t(key)}${detail ? `: ${detail}` : ''}` : '';
    this.el.classList.toggle('error', key !== undefined && this.isError(key));
  }

  refresh(): void {
    this.set(this.key, this.detail);
  }
}

/** Hands a file to the browser's download: a temporary object URL, revoked once the click has started it. */
export const saveBlob = (blob: Blob, fileName: string): void => {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: fileName });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
};
