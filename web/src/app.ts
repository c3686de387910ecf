import type { AlertItem, ApiCapability, ApiUser, Bbox, LoginResponse } from '@roadwatch/contracts';
import { Api, clearSession } from './api';
import { configuredBasemap } from './config/basemap';
import { t } from './i18n';
import { LiveFeed } from './live';
import { OffRouteLayer } from './routes/off-route-layer';
import { MapView } from './map/map-view';
import { loadRegionDensity, regionDensityLegend } from './ui/region-density';
import { VehicleStore } from './map/vehicle-store';
import { detached, h, tr } from './ui/dom';
import { FeedPanel } from './ui/feed-panel';
import { Playback } from './ui/playback';
import { VehicleCard } from './ui/vehicle-card';
import { TerminalGeofenceControl } from './ui/terminal-geofence-control';
import { CasesPanel } from './ui/cases-panel';
import { RelaysPanel } from './ui/relays-panel';
import { RosterPanel } from './ui/roster-panel';
import { LowerPlatformsPanel } from './ui/lower-platforms-panel';
import { ReportsPanel } from './ui/reports-panel';
import { UsersPanel } from './ui/users-panel';
import { DeliveryPanel } from './ui/delivery-panel';
import { DutyBoardPanel, HandlingPanel } from './ui/handling-panel';
import { AssessmentPanel } from './ui/assessment-panel';
import { KeySupervisionPanel } from './ui/key-supervision-panel';
import { TargetingPanel } from './ui/targeting-panel';
import { PermitsPanel } from './ui/permits-panel';
import { RoutesPanel } from './ui/routes-panel';
import { TamperingPanel } from './ui/tampering-panel';
import { InspectionsPanel } from './ui/inspections-panel';
import { InspectionPrompt } from './ui/inspection-prompt';
import { CLASS_COLOURS } from './map/map-view';
import { SourceSitesPanel } from './ui/source-sites-panel';
import { SourceRankingPanel } from './ui/source-ranking-panel';

/**
 * Roles whose work is the 一超四罚 cases (a UI choice: operators and companies may read
 * cases too, but their screen is the live map). Only shown with the `cases` capability.
 */
const CASE_ROLES: ReadonlySet<ApiUser['role']> = new Set(['enforcement', 'admin']);

export interface RunningApp {
  map: MapView;
  store: VehicleStore;
  feed: FeedPanel;
  destroy(): void;
}

export const startApp = (root: HTMLElement, session: LoginResponse, langToggle: HTMLElement, onLogout: () => void): RunningApp => {
  // What the API lets this user call, from the login response: the app asks for nothing else.
  const can = (capability: ApiCapability): boolean => session.user.capabilities.includes(capability);
  const monitors = can('vehicles') && can('alerts') && can('live');
  const store = new VehicleStore();
  const api = new Api(session.token, () => logout());
  const mapEl = h('div', { class: 'map', 'data-testid': 'map' });
  const liveBadge = h('span', { class: 'live-badge off', i18n: 'live.disconnected' });
  const countEl = h('span', { class: 'count', 'data-testid': 'vehicle-count' }, '0');

  const feed = new FeedPanel(
    (a: AlertItem) => {
      if (a.longitudeDeg !== undefined && a.latitudeDeg !== undefined) map.flyTo(a.longitudeDeg, a.latitudeDeg);
      if (store.byId.has(a.vehicleId)) detached('vehicle card', card.open(a.vehicleId));
    },
    () => map?.invalidate(),
    monitors && can('alerts.ack') ? (alertId, comment) => api.ack(alertId, comment) : undefined,
  );
  const alarmIds = () => feed.feed.alarmVehicleIds();

  const isCompanyUser = session.user.role === 'company';
  const subscribe = (viewport: Bbox) => {
    live?.subscribe(isCompanyUser && session.user.companyId ? { viewport, companyId: session.user.companyId } : { viewport });
  };

  // Created before the map: the map's first viewport (on load) subscribes through it.
  const live = !monitors
    ? undefined
    : new LiveFeed(session.token, {
        positions: (batch) => {
          const now = performance.now();
          const wall = Date.now();
          map.motion.tick(batch.tickMs);
          const moved: string[] = [];
          for (const p of batch.positions) if (store.applyLive(p, wall)) moved.push(p.vehicleId);
          map.moved(moved, now);
          countEl.textContent = String(store.byId.size);
        },
        alert: (a) => {
          feed.push(a);
          offRoute?.alertArrived(a);
        },
        alertAck: (event) => feed.applyAck(event),
        handling: (event) => {
          handling?.applyLive(event);
          duty?.applyLive(event);
        },
        status: (connected) => {
          liveBadge.dataset.i18n = connected ? 'live.connected' : 'live.disconnected';
          liveBadge.textContent = t(liveBadge.dataset.i18n);
          liveBadge.classList.toggle('off', !connected);
          // 查岗 sent while the socket was down (a network drop) are asked on reconnecting.
          if (connected && inspectionPrompt) detached('inspections', inspectionPrompt.loadOpen());
        },
        unauthorized: () => logout(),
        inspection: (event) => {
          inspections?.apply(event);
          inspectionPrompt?.arrived(event);
        },
        inspectionAnswered: (event) => {
          inspections?.apply(event);
          inspectionPrompt?.answered(event);
        },
      });
  const map = new MapView({
    container: mapEl,
    basemap: configuredBasemap(),
    store,
    alarmIds,
    keySupervisedIds: () => keyListed,
    onVehicleClick: (id) => detached('vehicle card', card.open(id)),
    onViewportChange: subscribe,
  });

  // 偏离路线 (issue #16): open off-route stretches in red beside their route's corridor in green.
  const offRoute = monitors && can('routes') ? new OffRouteLayer(map.map, api) : undefined;

  const playback = new Playback(api, map);
  const card = new VehicleCard({
    api,
    vehicle: (id) => store.byId.get(id),
    alarmIds,
    openAlertsFromFeed: (id) => feed.feed.openFor(id),
    onPlayback: (id) => playback.open(id, store.byId.get(id)?.plate ?? id),
    // Issue #16 item 6: what was sent to the terminal and its own alarms; the monitoring centre sends.
    ...(can('terminal_geofences') ? { geofences: new TerminalGeofenceControl(api, can('terminal_geofences.send')) } : {}),
  });

  // Layers and legend. WIM stations and source sites come from the registry over REST;
  // a role that may not see stations gets no toggle for them.
  const seesWim = can('wim');
  const layerToggle = (id: 'vehicles' | 'wim-stations' | 'source-sites', key: 'layers.vehicles' | 'layers.wim' | 'layers.sources') => {
    const box = h('input', {
      type: 'checkbox',
      checked: true,
      'data-testid': `layer-${id}`,
      onchange: (e: Event) => map.setLayerVisible(id, (e.target as HTMLInputElement).checked),
    });
    return h('label', { class: 'layer-toggle' }, box, tr(key));
  };
  const legend = h(
    'div',
    { class: 'legend' },
    ...(Object.keys(CLASS_COLOURS) as Array<keyof typeof CLASS_COLOURS>)
      .filter((c) => c !== 'other')
      .map((c) => h('span', { class: 'legend-item' }, h('i', { style: `background:${CLASS_COLOURS[c]}` }), tr(`class.${c}`))),
    ...(['moving', 'stopped', 'offline', 'alarm'] as const).map((s) =>
      h('span', { class: `legend-item status-${s}` }, h('i', { class: 'ring' }), tr(`status.${s}`)),
    ),
    can('key_supervision') ? h('span', { class: 'legend-item key-supervised' }, h('i', { class: 'ring' }), tr('ks.mapBadge')) : undefined,
  );
  // The offline basemap's regions coloured by 重点监管 density, for users who may read the list.
  const density = map.hasRegions ? regionDensityLegend() : undefined;
  if (density) {
    const loading = loadRegionDensity({
      capabilities: session.user.capabilities,
      fetchDensity: () => api.keySupervisionDensity(),
      apply: (rows) => map.setRegionDensity(rows),
    });
    detached('region density', loading.then(density.setAvailable));
  }
  const layers = h(
    'div',
    { class: 'layers' },
    h('strong', { i18n: 'layers.title' }),
    layerToggle('vehicles', 'layers.vehicles'),
    seesWim ? layerToggle('wim-stations', 'layers.wim') : undefined,
    layerToggle('source-sites', 'layers.sources'),
    offRoute
      ? h(
          'label',
          { class: 'layer-toggle' },
          h('input', {
            type: 'checkbox',
            checked: true,
            'data-testid': 'layer-off-route',
            onchange: (e: Event) => offRoute.setVisible((e.target as HTMLInputElement).checked),
          }),
          tr('layers.offRoute'),
        )
      : undefined,
    legend,
    density?.el,
  );

  // Side panel: alert feed, and for enforcement users and admins the 一超四罚 cases tab.
  const side = h('div', { class: 'side' });
  const showCases = can('cases') && CASE_ROLES.has(session.user.role);
  const cases = new CasesPanel(api, session.user.role);
  const casesEl = cases.el;
  if (showCases) {
    const tabAlerts = h('button', { type: 'button', class: 'tab active', i18n: 'tab.alerts' });
    const tabCases = h('button', { type: 'button', class: 'tab', i18n: 'tab.cases', 'data-testid': 'tab-cases' });
    tabAlerts.addEventListener('click', () => {
      feed.el.hidden = false;
      casesEl.hidden = true;
      tabAlerts.classList.add('active');
      tabCases.classList.remove('active');
    });
    tabCases.addEventListener('click', () => {
      feed.el.hidden = true;
      detached('cases', cases.show());
      tabCases.classList.add('active');
      tabAlerts.classList.remove('active');
    });
    side.append(h('nav', { class: 'tabs' }, tabAlerts, tabCases));
    if (!monitors) tabCases.click();
  }
  side.append(feed.el, casesEl);

  // 报表 and 接驳登记: views over the whole workspace (their tables are wider than the side
  // panel), each for the roles with its capability; the map keeps running beneath them.
  const reports = can('reports')
    ? new ReportsPanel(api, Date.now, { notice: can('reports.notice'), regionFilter: session.user.role !== 'company' })
    : undefined;
  const relays = can('relays') ? new RelaysPanel(api) : undefined;
  const roster = can('roster') ? new RosterPanel(api) : undefined;
  const lowerPlatforms = can('lower_platforms')
    ? new LowerPlatformsPanel(api, { inspect: can('inspections.send'), supervise: can('handling.duty') })
    : undefined;
  const users = can('users.admin') ? new UsersPanel(api, session.user.username) : undefined;
  const delivery = can('delivery') ? new DeliveryPanel(api, session.user) : undefined;
  // 待处理 for company users, 值班 for the monitoring centre (RULES §9).
  const handling = can('handling') ? new HandlingPanel(api) : undefined;
  const duty = can('handling.duty') ? new DutyBoardPanel(api) : undefined;
  const assessment = can('reports') ? new AssessmentPanel(api) : undefined;
  // 重点监管: the list, its history and the officers' release; the map rings listed vehicles.
  const keyListed = new Set<string>();
  const loadKeyListed = (): void => {
    if (!can('key_supervision') || !monitors) return;
    detached(
      'key supervision',
      api.keySupervisedVehicleIds().then((ids) => {
        keyListed.clear();
        for (const id of ids) keyListed.add(id);
        map.invalidate();
      }),
    );
  };
  const keySupervision = can('key_supervision') ? new KeySupervisionPanel(api, can('key_supervision.release'), loadKeyListed) : undefined;
  // 查岗: the monitoring centre sends and reads answers; a company user answers (a prompt over the map, and the tab).
  const inspectionMode = can('inspections.send') ? 'send' : can('inspections.answer') ? 'answer' : undefined;
  const inspectionPrompt =
    inspectionMode === 'answer' && session.user.companyId !== undefined
      ? new InspectionPrompt(api, session.user.companyId, (item) => inspections?.apply(item))
      : undefined;
  const inspections = inspectionMode ? new InspectionsPanel(api, inspectionMode, (item) => inspectionPrompt?.answered(item)) : undefined;
  // 布控线索 (issue #15): officers' leads; companies never have the capability.
  const targeting = can('targeting') ? new TargetingPanel(api, can('targeting.decide')) : undefined;
  // 疑似屏蔽 (issue #16 item 5): episodes are read as alerts are (a company its own); blind areas with the places.
  const tampering = can('alerts') ? new TamperingPanel(api, can('sites')) : undefined;
  // 源头倒查's map side (issue #15): the admin's geofences and site kinds; officers' source-unit ranking with the grade-C layer.
  const sourceSites = can('registry.admin') ? new SourceSitesPanel(api) : undefined;
  const sourceRanking = can('source_traces') ? new SourceRankingPanel(api, Date.now) : undefined;
  // 大件与限行 (issue #16): area bans (read in scope, written by admin and the region's operators) and the 大件 audit sheet.
  const permits = can('area_bans') ? new PermitsPanel(api, can('area_bans.admin'), can('permits')) : undefined;
  // 路线管理 (issue #16): approved routes in scope, written by admin and the region's operators.
  const routesPanel = can('routes') ? new RoutesPanel(api, can('routes.admin')) : undefined;
  const panels = [
    ...(handling ? [{ panel: handling, i18n: 'tab.handling', testid: 'tab-handling' } as const] : []),
    ...(duty ? [{ panel: duty, i18n: 'tab.duty', testid: 'tab-duty' } as const] : []),
    ...(reports ? [{ panel: reports, i18n: 'tab.reports', testid: 'tab-reports' } as const] : []),
    ...(relays ? [{ panel: relays, i18n: 'tab.relays', testid: 'tab-relays' } as const] : []),
    ...(roster ? [{ panel: roster, i18n: 'tab.roster', testid: 'tab-roster' } as const] : []),
    ...(users ? [{ panel: users, i18n: 'tab.users', testid: 'tab-users' } as const] : []),
    ...(delivery ? [{ panel: delivery, i18n: 'tab.delivery', testid: 'tab-delivery' } as const] : []),
    ...(assessment ? [{ panel: assessment, i18n: 'tab.assessment', testid: 'tab-assessment' } as const] : []),
    ...(keySupervision ? [{ panel: keySupervision, i18n: 'tab.keySupervision', testid: 'tab-key-supervision' } as const] : []),
    ...(inspections ? [{ panel: inspections, i18n: 'tab.inspections', testid: 'tab-inspections' } as const] : []),
    ...(targeting ? [{ panel: targeting, i18n: 'tab.targeting', testid: 'tab-targeting' } as const] : []),
    ...(tampering ? [{ panel: tampering, i18n: 'tab.tampering', testid: 'tab-tampering' } as const] : []),
    ...(sourceRanking ? [{ panel: sourceRanking, i18n: 'tab.sourceRanking', testid: 'tab-source-ranking' } as const] : []),
    ...(sourceSites ? [{ panel: sourceSites, i18n: 'tab.sites', testid: 'tab-sites' } as const] : []),
    ...(permits ? [{ panel: permits, i18n: 'tab.permits', testid: 'tab-permits' } as const] : []),
    ...(routesPanel ? [{ panel: routesPanel, i18n: 'tab.routes', testid: 'tab-routes' } as const] : []),
    ...(lowerPlatforms ? [{ panel: lowerPlatforms, i18n: 'tab.lowerPlatforms', testid: 'tab-lower-platforms' } as const] : []),
  ];
  const views =
    panels.length === 0
      ? undefined
      : (() => {
          const toMap = h('button', { type: 'button', class: 'view active', i18n: 'view.map', 'data-testid': 'view-map' });
          const tabs = panels.map((p) => h('button', { type: 'button', class: 'view', i18n: p.i18n, 'data-testid': p.testid }));
          const activate = (button: HTMLElement) => {
            for (const b of [toMap, ...tabs]) b.classList.toggle('active', b === button);
          };
          toMap.addEventListener('click', () => {
            for (const p of panels) p.panel.hide();
            activate(toMap);
            map.map.resize();
          });
          panels.forEach((p, i) =>
            tabs[i]!.addEventListener('click', () => {
              for (const other of panels) if (other !== p) other.panel.hide();
              detached('panel', p.panel.show());
              activate(tabs[i]!);
            }),
          );
          return h('nav', { class: 'views' }, toMap, ...tabs);
        })();

  const logout = () => {
    clearSession();
    app.destroy();
    onLogout();
  };
  const user = session.user;
  const header = h(
    'header',
    { class: 'topbar' },
    h('h1', { i18n: 'app.title' }),
    views,
    liveBadge,
    h('span', { class: 'vehicles' }, tr('vehicles.count'), ': ', countEl),
    h('span', { class: 'spacer' }),
    h('span', { class: 'user', 'data-testid': 'user' }, `${user.displayName ?? user.username}${user.companyId ? ` · ${user.companyId}` : ''}`),
    langToggle,
    h('button', { type: 'button', class: 'logout', i18n: 'logout', onclick: () => logout() }),
  );
  root.replaceChildren(
    h(
      'div',
      { class: 'app' },
      header,
      h(
        'main',
        {},
        h('div', { class: 'map-wrap' }, mapEl, layers, card.el, playback.el, inspectionPrompt?.el),
        side,
        reports?.el,
        relays?.el,
        roster?.el,
        users?.el,
        delivery?.el,
        handling?.el,
        duty?.el,
        assessment?.el,
        keySupervision?.el,
        inspections?.el,
        targeting?.el,
        tampering?.el,
        sourceRanking?.el,
        sourceSites?.el,
        permits?.el,
        routesPanel?.el,
        lowerPlatforms?.el,
      ),
    ),
  );
  map.map.resize();

  // Initial state over REST: every visible vehicle and recent alerts; live updates follow.
  if (monitors)
    void api
      .vehicles()
      .then((items) => {
        store.load(items);
        countEl.textContent = String(store.byId.size);
        map.invalidate();
      })
      .catch((e) => console.error('[app] vehicles', e));
  if (monitors)
    void api
      .alerts({ limit: 100 })
      .then((items) => feed.load(items))
      .catch((e) => console.error('[app] alerts', e));

  // Fixed places: drawn where the registry has coordinates, listed nowhere else.
  const placed = <T extends { name: string; latitudeDeg?: number | undefined; longitudeDeg?: number | undefined }>(items: T[], id: (x: T) => string) =>
    items.flatMap((x) =>
      x.latitudeDeg !== undefined && x.longitudeDeg !== undefined ? [{ id: id(x), name: x.name, lon: x.longitudeDeg, lat: x.latitudeDeg }] : [],
    );
  if (seesWim)
    void api
      .wimStations()
      .then((items) =>
        map.setPlaces(
          'wim-stations',
          placed(items, (s) => s.stationId),
        ),
      )
      .catch((e) => console.error('[app] wim stations', e));
  if (can('sites'))
    void api
      .sourceSites()
      .then((items) =>
        map.setPlaces(
          'source-sites',
          placed(items, (s) => s.sourceSiteId),
        ),
      )
      .catch((e) => console.error('[app] source sites', e));

  // 查岗 sent while this company user was offline: asked at once (the live feed's connect asks again).
  if (inspectionPrompt) detached('inspections', inspectionPrompt.loadOpen());

  // Statuses age (moving → offline after silence) without any event: re-evaluate now and then.
  const ageing = setInterval(() => map.invalidate(), 30_000);
  loadKeyListed();
  const keyListing = setInterval(loadKeyListed, 60_000);

  const app: RunningApp = {
    map,
    store,
    feed,
    destroy: () => {
      clearInterval(ageing);
      handling?.destroy();
      clearInterval(keyListing);
      inspectionPrompt?.destroy();
      live?.close();
      offRoute?.destroy();
      map.destroy();
    },
  };
  return app;
};
