import { describe, expect, it } from 'vitest';
import { errorText, failureOf, Panel } from './panel';

/** A panel over a stand-in section: records what each load saw, so the order of show's steps is visible. */
class CountingPanel extends Panel {
  readonly el = { hidden: true } as HTMLElement;
  readonly loads: Array<{ hiddenDuringLoad: boolean }> = [];

  constructor(loadOn: 'every show' | 'first show') {
    super(loadOn);
  }

  async load(): Promise<void> {
    this.loaded = true;
    this.loads.push({ hiddenDuringLoad: this.el.hidden === true });
    await Promise.resolve();
  }
}

describe('Panel: show, hide and when a panel loads', () => {
  it("'every show' loads on each show, after the section is visible", async () => {
    const panel = new CountingPanel('every show');
    await panel.show();
    panel.hide();
    expect(panel.el.hidden).toBe(true);
    await panel.show();
    expect(panel.el.hidden).toBe(false);
    expect(panel.loads).toEqual([{ hiddenDuringLoad: false }, { hiddenDuringLoad: false }]);
  });

  it("'first show' loads once; showing again keeps what it loaded", async () => {
    const panel = new CountingPanel('first show');
    expect(panel.el.hidden).toBe(true);
    await panel.show();
    panel.hide();
    await panel.show();
    await panel.show();
    expect(panel.loads).toHaveLength(1);
    expect(panel.el.hidden).toBe(false);
  });

  it("'first show' loads again on show while no load has started (the panel sets `loaded` in its load)", async () => {
    class NeverLoaded extends CountingPanel {
      override async load(): Promise<void> {
        this.loads.push({ hiddenDuringLoad: this.el.hidden === true });
        await Promise.resolve();
      }
    }
    const panel = new NeverLoaded('first show');
    await panel.show();
    await panel.show();
    expect(panel.loads).toHaveLength(2);
  });

  it('a load that fails reaches the caller of show, with the section already visible', async () => {
    class Failing extends CountingPanel {
      override load(): Promise<void> {
        return Promise.reject(new Error('offline'));
      }
    }
    const panel = new Failing('every show');
    await expect(panel.show()).rejects.toThrow('offline');
    expect(panel.el.hidden).toBe(false);
  });
});

describe('errorText: what a failed request says', () => {
  it('an Error (or a subclass) says its message; anything else is turned into text', () => {
    class HttpError extends Error {
      override readonly name = 'HttpError';
    }
    expect(errorText(new Error('车辆不存在'))).toBe('车辆不存在');
    expect(errorText(new HttpError('403 forbidden'))).toBe('403 forbidden');
    expect(errorText(new Error(''))).toBe('');
    expect(errorText('timeout')).toBe('timeout');
    expect(errorText(404)).toBe('404');
    expect(errorText(undefined)).toBe('undefined');
    expect(errorText(null)).toBe('null');
    expect(errorText({ message: 'not an Error' })).toBe('[object Object]');
  });
});

describe('failureOf: a panel’s requests and what it shows when one fails', () => {
  it('undefined when every request went through, after all of them ran', async () => {
    const done: string[] = [];
    await expect(
      failureOf(async () => {
        done.push(await Promise.resolve('entries'));
        done.push(await Promise.resolve('areas'));
      }),
    ).resolves.toBeUndefined();
    expect(done).toEqual(['entries', 'areas']);
  });

  it('the first failure’s text; the requests after it do not run', async () => {
    const done: string[] = [];
    const failure = await failureOf(async () => {
      done.push('entries');
      await Promise.reject(new Error('503 服务不可用'));
      done.push('areas');
    });
    expect(failure).toBe('503 服务不可用');
    expect(done).toEqual(['entries']);
  });

  it('a thrown non-Error and a synchronous throw are texts too, never a rejection', async () => {
    await expect(failureOf(() => Promise.reject('aborted'))).resolves.toBe('aborted');
    await expect(
      failureOf(() => {
        throw new TypeError('Failed to fetch');
      }),
    ).resolves.toBe('Failed to fetch');
  });
});
