import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The integration files that take longest, slowest first. Vitest orders files by the durations
 * of its last run, kept under node_modules — which `npm ci` (and so every CI run) wipes; without
 * them it runs the largest files first, and a small file that runs for a minute and a half (the
 * fuzzer's spec is 1.5 kB) starts last and leaves one worker alone at the end. Started first,
 * the long files run beside the many short ones instead of after them.
 */
export const SLOW_FILES = [
  'test/fuzz/schemathesis.int.spec.ts',
  'web/test/web-map.e2e.spec.ts',
  'services/detector/test/scale-out.e2e.spec.ts',
  'services/gateway-jt808/test/kafka-outage.e2e.spec.ts',
  'libs/messaging/src/kafka.int.spec.ts',
  'services/gateway-jt808/test/workers.e2e.spec.ts',
  'services/api/test/scope-matrix.int.spec.ts',
] as const;

/**
 * `files` (already in the base order) with the listed slow files moved ahead of the other files
 * of their project, in the list's order; everything else keeps its place relative to the rest.
 */
export const slowFilesFirst = <T>(files: readonly T[], keyOf: (file: T) => { project: string; path: string }, slow: readonly string[] = SLOW_FILES): T[] => {
  const projectRank = new Map<string, number>();
  const entries = files.map((file, index) => {
    const { project, path } = keyOf(file);
    if (!projectRank.has(project)) projectRank.set(project, projectRank.size);
    const slowRank = slow.indexOf(path);
    return { file, index, project: projectRank.get(project)!, slowRank: slowRank === -1 ? slow.length : slowRank };
  });
  return entries.sort((a, b) => a.project - b.project || a.slowRank - b.slowRank || a.index - b.index).map((entry) => entry.file);
};

/** Vitest's own order (group order, then project, then last durations or size), with SLOW_FILES first in their project. */
export default class SlowFilesFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    const root = this.ctx.config.root;
    return slowFilesFirst(base, (spec) => ({ project: spec.project.name, path: relative(root, spec.moduleId).split('\\').join('/') }));
  }
}
