export { startGateway, type GatewayOptions, type RunningGateway } from './gateway.service';
export { type VehicleDirectory } from './vehicle-directory';
export { InMemoryTerminalRegistry, PostgresTerminalRegistry, type TerminalRegistry, type TerminalRegistration } from './terminal-registry';
export { InMemoryConnectionDirectory, RedisConnectionDirectory, type ConnectionDirectory } from './connection-directory';
export { loadGatewayConfig, gatewayEnvSchema, type GatewayConfig } from './config';
export { startVehicleRegistry } from './vehicle-registry-reloader';
