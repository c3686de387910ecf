export { startGateway, type GatewayOptions, type RunningGateway } from './gateway.service';
export { InMemoryVehicleDirectory, type VehicleDirectory } from './vehicle-directory';
export { InMemoryTerminalRegistry, PostgresTerminalRegistry, type TerminalRegistry, type TerminalRegistration } from './terminal-registry';
export { InMemoryConnectionDirectory, RedisConnectionDirectory, type ConnectionDirectory } from './connection-directory';
export { canonicalTerminalId } from './terminal-id';
export { loadGatewayConfig, gatewayEnvSchema, type GatewayConfig } from './config';
