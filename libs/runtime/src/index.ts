export * from './boot';
export * from './logger';
export * from './metrics';
export * from './ops-http';
export * from './shutdown';
export * from './seen-set';
export * from './vehicle-registry-file';
export * from './reloader';
export * from './http-hardening';
export * from './rate-limit';
export * from './openapi';
export * from './http-exceptions';
export * from './webhook-target';
export * from './table-export';
export * from './service-parts';
// Password hashing (scrypt) behind one bounded gate: the API's users and the JT/T 809 gateway's lower platforms.
export * from './passwords';
export * from './password-work';
