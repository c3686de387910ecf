import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';
import { startServiceParts, type ServicePart } from './service-parts';

const logger = createLogger('service-parts-spec', 'silent');

const recordingPart = (name: string, log: string[], options: { failStart?: boolean; failClose?: boolean } = {}): ServicePart<{ tag: string }> => ({
  name,
  start: (context) => {
    if (options.failStart) return Promise.reject(new Error(`${name} cannot start`));
    log.push(`start ${name} ${context.tag}`);
    return Promise.resolve({
      readiness: [{ name, check: () => true }],
      close: () => {
        log.push(`close ${name}`);
        return options.failClose ? Promise.reject(new Error(`${name} cannot close`)) : Promise.resolve();
      },
    });
  },
});

describe('startServiceParts', () => {
  it('starts the parts in order with the shared context, gathers their readiness, closes them in reverse', async () => {
    const log: string[] = [];
    const running = await startServiceParts('svc', [recordingPart('a', log), recordingPart('b', log)], { tag: 'ctx' }, logger);
    expect(running.readiness.map((check) => check.name)).toEqual(['a', 'b']);
    await running.close();
    expect(log).toEqual(['start a ctx', 'start b ctx', 'close b', 'close a']);
  });

  it('a part that cannot start closes those already running, and the error goes on', async () => {
    const log: string[] = [];
    await expect(startServiceParts('svc', [recordingPart('a', log), recordingPart('b', log, { failStart: true })], { tag: 'x' }, logger)).rejects.toThrow(
      'b cannot start',
    );
    expect(log).toEqual(['start a x', 'close a']);
  });

  it('a part that fails to close does not keep the others open', async () => {
    const log: string[] = [];
    const running = await startServiceParts('svc', [recordingPart('a', log), recordingPart('b', log, { failClose: true })], { tag: 'y' }, logger);
    await running.close();
    expect(log).toEqual(['start a y', 'start b y', 'close b', 'close a']);
  });
});
