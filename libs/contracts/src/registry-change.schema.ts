import { z } from 'zod';
import { epochMs } from './common.schema';
import { safeString } from './safe-string';

/** What a registry change is about: the admin resources, 接驳运输 relay registrations, approved routes and the drivers' shift roster (排班). */
export const registryEntity = z.enum([
  'company',
  'vehicle',
  'terminal',
  'driver',
  'speed_zone',
  'wim_station',
  'source_site',
  'relay',
  'route',
  'driver_shift',
]);
export type RegistryEntity = z.infer<typeof registryEntity>;

/**
 * One registry write, on `registry.changes` (issue #12 item 5), published from the
 * transactional outbox once the write has committed. At least once: a consumer reloads what
 * it reads from the registry tables, so a repeated or reordered event changes nothing.
 * `revision` is the outbox row's id — it grows with every write, across entities.
 */
export const registryChangeV1 = z.object({
  v: z.literal(1),
  entity: registryEntity,
  id: safeString().min(1),
  change: z.enum(['upsert', 'delete']),
  revision: z.number().int().positive(),
  changedAtMs: epochMs,
});
export type RegistryChangeV1 = z.infer<typeof registryChangeV1>;

/** The message key: entity kind and id, so one row's changes stay in order on one partition. */
export const registryChangeKey = (change: Pick<RegistryChangeV1, 'entity' | 'id'>): string => `${change.entity}:${change.id}`;
