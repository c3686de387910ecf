import { describe } from 'vitest';
import { InMemoryTerminalRegistry } from './terminal-registry';
import { terminalRegistryContract } from './terminal-registry.contract';

describe('InMemoryTerminalRegistry', () => {
  terminalRegistryContract(async () => new InMemoryTerminalRegistry());
});
