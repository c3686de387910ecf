export { startGateway, type GatewayOptions, type RunningGateway } from './gateway.service';
export { type TerminalVehicleLookup } from './terminal-vehicle-lookup';
export { InMemoryTerminalRegistrations, PostgresTerminalRegistrations, type TerminalRegistrations, type TerminalRegistration } from './terminal-registrations';
export { InMemoryConnectionDirectory, RedisConnectionDirectory, type ConnectionDirectory } from './connection-directory';
export { loadGatewayConfig, gatewayEnvSchema, type GatewayConfig } from './config';
export { startVehicleRegistry } from './vehicle-registry-reloader';
