/**
 * The API routes the k6 scripts call, as services/api declares them (`apiRoutes` of
 * libs/contracts). test/loadtests-k6.spec.ts fails when one is no longer served, so a renamed
 * route breaks the unit tests rather than a load run. No imports: k6 and Node both load it.
 */
export interface K6Route {
  method: 'get' | 'post';
  /** As the controller declares it (`/v1/vehicles/:vehicleId/track`). */
  path: string;
}

export const ROUTES = {
  signIn: { method: 'post', path: '/v1/auth/login' },
  vehicles: { method: 'get', path: '/v1/vehicles' },
  track: { method: 'get', path: '/v1/vehicles/:vehicleId/track' },
  alerts: { method: 'get', path: '/v1/alerts' },
  companyReport: { method: 'get', path: '/v1/reports/companies' },
} as const satisfies Record<string, K6Route>;

/** A route's path with its `:params` filled in (URI-encoded) and a query string of the defined values. */
export function pathOf(route: K6Route, params: Record<string, string> = {}, query: Record<string, string | number | boolean | undefined> = {}): string {
  const path = route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === '') throw new Error(`pathOf: ${route.path} needs ${name}`);
    return encodeURIComponent(value);
  });
  const pairs = Object.entries(query)
    .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  return pairs.length > 0 ? `${path}?${pairs.join('&')}` : path;
}
