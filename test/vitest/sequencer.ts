// vitest's `sequence.sequencer` for every run: the order of run-order.ts, from the durations
// vitest recorded in its cache (node_modules/.vite/vitest/…/results.json) and the files' sizes.
import { statSync } from "node:fs";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { runOrder } from "./run-order";

const sizeOf = (path: string) => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const ordered = runOrder(
      files.map((spec) => ({
        spec,
        project: spec.project.name,
        lastMs: this.ctx.cache.getTestSpecificationResult(spec)?.duration,
        bytes: sizeOf(spec.moduleId),
      })),
    );
    return ordered.map((file) => file.spec);
  }
}
