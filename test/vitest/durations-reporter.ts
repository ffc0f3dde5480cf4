// Prints how long each vitest project took, for .ci/run and anyone timing the loop. "wall" runs
// from the project's first file starting to its last file ending (projects overlap when run
// together); "files" is the time its files spent themselves (environment, import, setup, tests),
// summed, which shows where a project's time goes even when it shares the machine.
import type { Reporter, TestModule } from "vitest/node";

interface ProjectTimes {
  files: number;
  tests: number;
  firstStartMs: number;
  lastEndMs: number;
  fileTimeMs: number;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export default class DurationsReporter implements Reporter {
  private readonly projects = new Map<string, ProjectTimes>();
  /** When vitest started: the offsets show startup and which projects overlapped. */
  private readonly runStartMs = Date.now();

  private timesOf(module: TestModule): ProjectTimes {
    const name = module.project.name || "(default)";
    let times = this.projects.get(name);
    if (!times) {
      times = { files: 0, tests: 0, firstStartMs: Date.now(), lastEndMs: 0, fileTimeMs: 0 };
      this.projects.set(name, times);
    }
    return times;
  }

  onTestModuleStart(module: TestModule) {
    this.timesOf(module);
  }

  onTestModuleEnd(module: TestModule) {
    const times = this.timesOf(module);
    const d = module.diagnostic();
    times.files += 1;
    times.tests += [...module.children.allTests()].length;
    times.lastEndMs = Date.now();
    times.fileTimeMs +=
      d.environmentSetupDuration +
      d.prepareDuration +
      d.collectDuration +
      d.setupDuration +
      d.duration;
  }

  onTestRunEnd() {
    if (this.projects.size === 0) return;
    console.log("\nvitest project durations (wall: first file start to last file end)");
    for (const [name, t] of [...this.projects].sort(([a], [b]) => a.localeCompare(b)))
      console.log(
        `  ${name.padEnd(8)} ${String(t.files).padStart(4)} files ${String(t.tests).padStart(5)} tests` +
          `  ${seconds(t.lastEndMs - t.firstStartMs).padStart(8)} wall  ${seconds(t.fileTimeMs).padStart(8)} in files` +
          `  (+${seconds(t.firstStartMs - this.runStartMs)} to +${seconds(t.lastEndMs - this.runStartMs)})`,
      );
  }
}
