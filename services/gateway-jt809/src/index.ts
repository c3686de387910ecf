export { startJt809Gateway, type Jt809GatewayOptions, type RunningJt809Gateway } from './gateway.service';
export { loadJt809GatewayConfig, jt809GatewayEnvSchema, type Jt809GatewayConfig } from './config';
export { jt809Wire } from './jt809-wire';
