export { startApi, type ApiOptions, type RunningApi } from './api.service';
export { Scope, type Principal, type Capability } from './auth/scope';
export { TokenService } from './auth/tokens';
export { hashPassword, verifyPassword } from './auth/passwords';
export type { NewUser } from './auth/users.repository';
export type { LatestPositionsPort, LatestLike } from './repositories/vehicles.repository';
export { RedisLatestPositionsReader } from './redis-latest-positions';
export { seedRegistry } from './registry/seed-registry';
export type { SeedRegistryCommand } from './registry/usecases/seed-registry/seed-registry.command';
