// One place for test data (issue #12 item 8): typed builders with defaults that pass the
// contracts' schemas, overridden by what a test is about. Pure data over contracts and domain.
export * from './position.factory';
export * from './vehicle.factory';
export * from './wim.factory';
export * from './alert.factory';
export * from './track.factory';
