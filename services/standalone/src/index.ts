export { startPlatform, type RunningPlatform } from './platform';
export { loadStandaloneConfig, standaloneEnvSchema, type StandaloneConfig } from './config';
