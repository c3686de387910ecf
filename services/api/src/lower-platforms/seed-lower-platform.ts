import { hashPassword } from '@roadwatch/runtime';
import { AuditRepository, LowerPlatformRepository, type LowerPlatformInput, type StoragePool } from '@roadwatch/storage';

/**
 * The embedded default's demo lower platform, written the API's way (password hashed, audited as
 * `by.actor`): created when absent, left as it is otherwise (the admin may have changed it).
 * True when it was created.
 */
export const seedLowerPlatform = async (
  pool: StoragePool,
  platform: Omit<LowerPlatformInput, 'passwordHash'> & { password: string },
  by: { actor: string },
): Promise<boolean> => {
  const platforms = new LowerPlatformRepository(pool);
  if (await platforms.byAccessCode(platform.accessCode)) return false;
  const { password, ...rest } = platform;
  await platforms.upsert({ ...rest, passwordHash: await hashPassword(password) });
  await new AuditRepository(pool).record({ actor: by.actor, action: 'registry.create', target: `lower-platform/${platform.accessCode}`, outcome: 'success' });
  return true;
};
