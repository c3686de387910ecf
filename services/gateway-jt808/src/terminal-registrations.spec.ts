import { describe } from 'vitest';
import { InMemoryTerminalRegistrations } from './terminal-registrations';
import { terminalRegistryContract } from './terminal-registrations.contract';

describe('InMemoryTerminalRegistrations', () => {
  terminalRegistryContract(async () => new InMemoryTerminalRegistrations());
});
