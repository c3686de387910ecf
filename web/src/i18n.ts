/**
 * A tiny dictionary: Chinese by default (operators at transport authorities), English
 * switchable. Every key must carry both languages — i18n.spec.ts checks it.
 */
export type Lang = 'zh' | 'en';

const dict = {
  'app.title': { zh: '两客一危·重货 动态监控', en: 'Coach, Bus, Hazmat & Truck Monitoring' },
  'lang.toggle': { zh: 'English', en: '中文' },
  'login.title': { zh: '登录', en: 'Sign in' },
  'login.username': { zh: '用户名', en: 'Username' },
  'login.password': { zh: '密码', en: 'Password' },
  'login.submit': { zh: '登录', en: 'Sign in' },
  'login.failed': { zh: '登录失败：用户名或密码错误', en: 'Sign-in failed: wrong username or password' },
  'login.error': { zh: '无法连接服务器', en: 'Cannot reach the server' },
  'logout': { zh: '退出', en: 'Sign out' },
  'live.connected': { zh: '实时连接', en: 'Live' },
  'live.disconnected': { zh: '连接中断', en: 'Disconnected' },
  'class.tour_coach': { zh: '旅游包车', en: 'Tour coach' },
  'class.long_distance_bus': { zh: '三类以上班线客车', en: 'Long-distance bus' },
  'class.hazmat': { zh: '危险品运输车', en: 'Hazmat truck' },
  'class.heavy_truck': { zh: '重型货车', en: 'Heavy truck' },
  'class.other': { zh: '其他', en: 'Other' },
  'status.moving': { zh: '行驶', en: 'Moving' },
  'status.stopped': { zh: '停车', en: 'Stopped' },
  'status.offline': { zh: '离线', en: 'Offline' },
  'status.alarm': { zh: '报警', en: 'Alarm' },
  'card.plate': { zh: '车牌', en: 'Plate' },
  'card.company': { zh: '所属企业', en: 'Company' },
  'card.driver': { zh: '驾驶员', en: 'Driver' },
  'card.speed': { zh: '速度', en: 'Speed' },
  'card.drivingToday': { zh: '今日驾驶时长', en: 'Driving time today' },
  'card.openAlerts': { zh: '未处理报警', en: 'Open alerts' },
  'card.class': { zh: '车辆类型', en: 'Vehicle class' },
  'card.status': { zh: '状态', en: 'Status' },
  'card.lastReport': { zh: '最后定位', en: 'Last report' },
  'card.playback': { zh: '轨迹回放', en: 'Track playback' },
  'card.close': { zh: '关闭', en: 'Close' },
  'card.none': { zh: '无', en: 'None' },
  'unit.kmh': { zh: '公里/时', en: 'km/h' },
  'unit.hours': { zh: '小时', en: 'h' },
  'unit.minutes': { zh: '分钟', en: 'min' },
  'feed.title': { zh: '实时报警', en: 'Live alerts' },
  'feed.empty': { zh: '暂无报警', en: 'No alerts' },
  'feed.mute': { zh: '静音', en: 'Mute' },
  'feed.unmute': { zh: '开启声音', en: 'Sound on' },
  'feed.ack': { zh: '确认', en: 'Acknowledge' },
  'feed.ackComment': { zh: '处理意见', en: 'Comment' },
  'feed.ackSubmit': { zh: '提交', en: 'Submit' },
  'feed.acked': { zh: '已确认', en: 'Acknowledged' },
  'feed.ackFailed': { zh: '确认失败', en: 'Acknowledgement failed' },
  'severity.info': { zh: '提示', en: 'Info' },
  'severity.minor': { zh: '一般', en: 'Minor' },
  'severity.major': { zh: '较重', en: 'Major' },
  'severity.serious': { zh: '严重', en: 'Serious' },
  'severity.critical': { zh: '特别严重', en: 'Critical' },
  'rule.speeding': { zh: '超速', en: 'Speeding' },
  'rule.fatigue_continuous': { zh: '疲劳驾驶（连续）', en: 'Fatigue (continuous)' },
  'rule.fatigue_night': { zh: '疲劳驾驶（夜间）', en: 'Fatigue (night)' },
  'rule.fatigue_daily': { zh: '疲劳驾驶（当日累计）', en: 'Fatigue (daily total)' },
  'rule.night_ban_2_5': { zh: '凌晨2–5时违规运行', en: 'Night ban 02:00–05:00' },
  'rule.time_window_ban': { zh: '限行时段违规', en: 'Time-window ban' },
  'rule.overload': { zh: '超限超载', en: 'Overload' },
  'rule.data_gap_moved': { zh: '定位中断后位移', en: 'Moved during data gap' },
  'rule.offline': { zh: '离线', en: 'Offline' },
  'rule.drift': { zh: '定位漂移', en: 'Position drift' },
  'rule.invalid_position': { zh: '无效定位', en: 'Invalid position' },
  'alert.baiDunWang': { zh: '百吨王', en: '100-tonne truck' },
  'layers.title': { zh: '图层', en: 'Layers' },
  'layers.vehicles': { zh: '车辆', en: 'Vehicles' },
  'layers.wim': { zh: '治超检测站', en: 'WIM stations' },
  'layers.sources': { zh: '源头企业', en: 'Source sites' },
  'playback.title': { zh: '轨迹回放', en: 'Track playback' },
  'playback.play': { zh: '播放', en: 'Play' },
  'playback.pause': { zh: '暂停', en: 'Pause' },
  'playback.close': { zh: '结束回放', en: 'End playback' },
  'playback.empty': { zh: '该时段无轨迹', en: 'No track in this period' },
  'playback.from': { zh: '开始', en: 'From' },
  'playback.to': { zh: '结束', en: 'To' },
  'playback.load': { zh: '查询', en: 'Load' },
  'playback.points': { zh: '个轨迹点', en: 'points' },
  'playback.bucket': { zh: '抽稀间隔', en: 'bucket' },
  'cases.title': { zh: '治超案件', en: 'Enforcement cases' },
  'cases.empty': { zh: '暂无案件', en: 'No cases' },
  'cases.error': { zh: '案件加载失败', en: 'Could not load cases' },
  'cases.refresh': { zh: '刷新', en: 'Refresh' },
  'cases.review': { zh: '建议重点审查', en: 'Flagged for review' },
  'cases.gross': { zh: '核定总重', en: 'Confirmed gross' },
  'cases.excess': { zh: '超限', en: 'Excess' },
  'cases.fine': { zh: '车主罚款', en: 'Owner fine' },
  'cases.station': { zh: '检测站', en: 'Station' },
  'caseStatus.opened': { zh: '待处理', en: 'Opened' },
  'caseStatus.decided': { zh: '已决定', en: 'Decided' },
  'caseStatus.reported': { zh: '已抄告', en: 'Reported' },
  'caseStatus.closed': { zh: '已结案', en: 'Closed' },
  'tab.alerts': { zh: '报警', en: 'Alerts' },
  'tab.cases': { zh: '案件', en: 'Cases' },
  'vehicles.count': { zh: '在图车辆', en: 'Vehicles on map' },
} as const satisfies Record<string, Record<Lang, string>>;

export type MessageKey = keyof typeof dict;
export const messages: Readonly<Record<MessageKey, Readonly<Record<Lang, string>>>> = dict;

const STORAGE_KEY = 'roadwatch.lang';
let current: Lang = 'zh';
const listeners = new Set<(lang: Lang) => void>();

export const initLang = (storage: Pick<Storage, 'getItem'> | undefined): Lang => {
  const saved = storage?.getItem(STORAGE_KEY);
  current = saved === 'en' ? 'en' : 'zh';
  return current;
};

export const lang = (): Lang => current;

export const setLang = (next: Lang, storage?: Pick<Storage, 'setItem'>): void => {
  current = next;
  storage?.setItem(STORAGE_KEY, next);
  for (const l of listeners) l(next);
};

export const onLangChange = (listener: (lang: Lang) => void): (() => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/** Translate a key; unknown dynamic keys (e.g. a new rule) fall back to the key's tail. */
export const t = (key: MessageKey | string, language: Lang = current): string => {
  const entry = (messages as Record<string, Record<Lang, string> | undefined>)[key];
  return entry ? entry[language] : key.slice(key.lastIndexOf('.') + 1);
};
