import type { NewUser } from './auth/users.repository';

/**
 * Standalone mode's users (documented in the README; never seeded in cluster mode).
 * Company and region ids follow the simulated fleet's registry; change them to match.
 */
export const DEMO_USERS: readonly NewUser[] = [
  { username: 'admin', password: 'admin', role: 'admin', displayName: '系统管理员' },
  { username: 'operator', password: 'operator', role: 'operator', regionCode: '44', displayName: '监控中心值班员' },
  { username: 'enforcement', password: 'enforcement', role: 'enforcement', displayName: '治超执法' },
];
