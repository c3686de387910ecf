/** What a failed request says to the user: an Error's message, or whatever else was thrown, as text. */
export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * A page behind a tab of the app: its section shown and hidden in place, its data loaded when
 * shown — on every show (`'every show'`: lists that others change meanwhile), or on the first
 * show only (`'first show'`: the panel keeps what it loaded and reloads on its own refresh,
 * filters or live events). Each panel's `load` shows its own errors and sets `loaded`.
 */
export abstract class Panel {
  abstract readonly el: HTMLElement;
  /** Set by the panel's `load` when it starts; a 'first show' panel loads on show until then. */
  protected loaded = false;

  protected constructor(private readonly loadOn: 'every show' | 'first show') {}

  abstract load(): Promise<void>;

  async show(): Promise<void> {
    this.el.hidden = false;
    if (this.loadOn === 'every show' || !this.loaded) await this.load();
  }

  hide(): void {
    this.el.hidden = true;
  }
}

/** Runs a panel's requests: the error text when one fails, undefined when all went through (what a panel keeps in its `error`). */
export const failureOf = async (requests: () => Promise<unknown>): Promise<string | undefined> => {
  try {
    await requests();
    return undefined;
  } catch (error) {
    return errorText(error);
  }
};
