export { startApi, type ApiOptions, type RunningApi } from './api.service';
export { DEMO_USERS } from './demo-users';
export { Scope, type Principal, type Capability } from './auth/scope';
export { TokenService } from './auth/tokens';
export { hashPassword, verifyPassword } from './auth/passwords';
export type { NewUser } from './auth/users.repository';
export type { LatestPositionsPort, LatestLike } from './repositories/vehicles.repository';
export { RedisLatestPositionsReader } from './redis-latest-positions';
