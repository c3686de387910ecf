import { describe, expect, it } from 'vitest';
import { BoundedWorkGate, PasswordWorkBusyError } from './password-work';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('BoundedWorkGate: password work never takes more than its share', () => {
  it('runs at most `concurrency` at once, in arrival order, and refuses beyond the queue at once', async () => {
    const gate = new BoundedWorkGate(1, 2);
    const started: number[] = [];
    const gates = [deferred(), deferred(), deferred()];
    const runs = gates.map((g, i) =>
      gate.run(async () => {
        started.push(i);
        await g.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0]);
    expect(gate.queued).toBe(2);
    await expect(gate.run(async () => 'too many')).rejects.toBeInstanceOf(PasswordWorkBusyError);
    gates[0]!.resolve();
    gates[1]!.resolve();
    gates[2]!.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    expect(started).toEqual([0, 1, 2]);
    expect(gate.peakRunning).toBe(1);
    expect(gate.queued).toBe(0);
  });

  it('a failing piece of work frees its slot', async () => {
    const gate = new BoundedWorkGate(1, 1);
    await expect(gate.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run(async () => 'next')).toBe('next');
  });
});
