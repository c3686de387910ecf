import { severity as severityEnum, type AlertRule, type Severity } from '@roadwatch/contracts';

/** A company's delivery channel with its filters (RULES.md §9 "Delivery"; issue #14: routing per company by rule and severity). */
export interface DeliveryRoute {
  routeId: string;
  channel: 'webhook' | 'sms';
  /** An http(s) URL (webhook) or a phone number (sms). */
  target: string;
  /** The rules delivered on the route; empty = every rule. */
  rules: readonly AlertRule[];
  /** The lowest severity delivered; absent = every severity. */
  minSeverity?: Severity | undefined;
  enabled: boolean;
}

/** Where one alert goes. `routeId` is absent on the default route. */
export interface DeliveryTarget {
  channel: 'webhook' | 'sms';
  target: string;
  routeId?: string;
}

/** Severities in the contract's order, lowest first. */
const rankOf = (value: Severity): number => severityEnum.options.indexOf(value);

export const routeAdmits = (route: DeliveryRoute, alert: { rule: AlertRule; severity: Severity }): boolean =>
  route.enabled &&
  (route.rules.length === 0 || route.rules.includes(alert.rule)) &&
  (route.minSeverity === undefined || rankOf(alert.severity) >= rankOf(route.minSeverity));

/**
 * The targets of one alert of a company: every enabled route whose filters admit it (one
 * target once, whichever routes name it). A company that set no route at all gets every alert
 * on its registered webhook (`companies.webhook_url`) when it has one; one whose routes are
 * all disabled or filter the alert out gets nothing — that is what it chose.
 */
export const deliveryTargetsOf = (
  routes: readonly DeliveryRoute[],
  registeredWebhookUrl: string | undefined,
  alert: { rule: AlertRule; severity: Severity },
): DeliveryTarget[] => {
  if (routes.length === 0) return registeredWebhookUrl ? [{ channel: 'webhook', target: registeredWebhookUrl }] : [];
  const targets = new Map<string, DeliveryTarget>();
  for (const route of routes) {
    const key = `${route.channel} ${route.target}`;
    if (!targets.has(key) && routeAdmits(route, alert)) targets.set(key, { channel: route.channel, target: route.target, routeId: route.routeId });
  }
  return [...targets.values()];
};
