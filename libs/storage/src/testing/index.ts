// Bulk seeders for the load tests (`@roadwatch/storage/testing`): the SQL stays in libs/storage,
// apart from the production exports. The storage suite is imported by its specs directly.
export * from './assessment-month.seeder';
