import type { BlindAreaDto, TamperingEpisodeItem } from '@roadwatch/contracts';
import type { Api } from '../api';
import { onLangChange, t, type MessageKey } from '../i18n';
import { fmtTime, h } from './dom';
import { failureOf, Panel } from './panel';

/** An indicator's code with its name in the UI language (I7 is the context). */
const indicatorName = (code: string): string => `${code} ${t(`tp.ind.${code}` as MessageKey)}`;

/**
 * 疑似人为干扰/屏蔽 (RULES.md §12, §15): the suspected tampering episodes in the user's scope (a
 * company its own vehicles'), each with its indicators named, its context (I7: near a 治超
 * station or source site, or at night) and its status (a back-fill withdraws one); below, the
 * registered blind areas (tunnels, car parks) that exclude a stretch, for those who read places.
 */
export class TamperingPanel extends Panel {
  readonly el: HTMLElement;
  private episodes: TamperingEpisodeItem[] | undefined;
  private blindAreas: BlindAreaDto[] | undefined;
  private error: string | undefined;
  private readonly table = h('table', { class: 'report-table', 'data-testid': 'tp-table' });
  private readonly areas = h('table', { class: 'report-table', 'data-testid': 'tp-blind-areas' });
  private readonly status = h('p', { class: 'muted', 'data-testid': 'tp-status' });

  constructor(
    private readonly api: Api,
    private readonly canReadPlaces: boolean,
  ) {
    super('every show');
    this.el = h(
      'section',
      { class: 'reports tampering', hidden: true, 'data-testid': 'tampering' },
      h('div', { class: 'report-form' }, h('h3', { i18n: 'tp.title' }), h('p', { class: 'muted', i18n: 'tp.note' })),
      this.status,
      this.table,
      canReadPlaces ? h('h4', { i18n: 'tp.blindAreas' }) : undefined,
      canReadPlaces ? this.areas : undefined,
    );
    onLangChange(() => this.render());
  }

  async load(): Promise<void> {
    this.error = await failureOf(async () => {
      this.episodes = await this.api.tamperingEpisodes();
      this.blindAreas = this.canReadPlaces ? await this.api.blindAreas() : [];
    });
    this.render();
  }

  private render(): void {
    if (this.error) {
      this.status.textContent = `${t('tp.error')}: ${this.error}`;
      this.table.replaceChildren();
      return;
    }
    const items = this.episodes ?? [];
    this.status.textContent = this.episodes && items.length === 0 ? t('tp.empty') : '';
    const heads: MessageKey[] = ['tp.start', 'tp.end', 'tp.plate', 'tp.indicators', 'tp.context', 'tp.statusCol'];
    this.table.replaceChildren(
      h('thead', {}, h('tr', {}, ...heads.map((key) => h('th', { i18n: key })))),
      h(
        'tbody',
        {},
        ...items.map((e) => {
          const near = e.context['near'] as { name?: string; distanceM?: number } | undefined;
          const context = [
            near?.name !== undefined ? `${near.name} ${((near.distanceM ?? 0) / 1000).toFixed(1)} km` : '',
            e.context['night'] === true ? t('tp.night') : '',
          ]
            .filter(Boolean)
            .join(' · ');
          return h(
            'tr',
            { 'data-testid': 'tp-row', 'data-id': e.episodeId, 'data-status': e.status },
            h('td', {}, fmtTime(e.startMs)),
            h('td', {}, fmtTime(e.endMs)),
            h('td', {}, e.plate ?? e.vehicleId),
            h('td', { 'data-testid': 'tp-indicators' }, [...e.indicators, ...(e.contextI7 ? ['I7'] : [])].map(indicatorName).join('；')),
            h('td', {}, context),
            h('td', {}, t(`tp.status.${e.status}` as MessageKey)),
          );
        }),
      ),
    );
    this.areas.replaceChildren(
      h('thead', {}, h('tr', {}, ...(['tp.areaName', 'tp.areaKind', 'tp.areaRegion'] as MessageKey[]).map((key) => h('th', { i18n: key })))),
      h(
        'tbody',
        {},
        ...(this.blindAreas ?? []).map((a) =>
          h(
            'tr',
            { 'data-testid': 'tp-area', 'data-id': a.blindAreaId },
            h('td', {}, a.name),
            h('td', {}, t(`tp.kind.${a.kind}` as MessageKey)),
            h('td', {}, a.regionCode ?? ''),
          ),
        ),
      ),
    );
  }
}
