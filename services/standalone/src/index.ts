export { startPlatform, type PlatformParts, type RunningPlatform } from './platform';
export { loadStandaloneConfig, standaloneEnvSchema, type StandaloneConfig } from './config';
