import { describe } from 'vitest';
import { InMemoryConnectionDirectory } from './connection-directory';
import { connectionDirectoryContract } from './connection-directory.contract';

describe('InMemoryConnectionDirectory', () => {
  connectionDirectoryContract(() => {
    // One process: every gateway in it shares the one directory.
    const directory = new InMemoryConnectionDirectory();
    return { make: async () => directory, close: () => directory.close() };
  });
});
