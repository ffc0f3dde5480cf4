/**
 * The runner's memory of jobs it started, on disk under the state directory. It is what keeps a
 * restarted agent from running a job twice: a job it finished but could not report (the control
 * plane was down, or agent.update restarted it) is reported again instead of re-run, and one it
 * was running when it died is reported failed rather than left to time out. Bounded: the oldest
 * settled entries are forgotten first; the control plane never redelivers a finished job anyway.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { JobKind, JobResult } from "../../shared/agent-protocol";
import { type Logger, reason } from "../log";

export const JOURNAL_FILE = "jobs.json";
export const JOURNAL_MAX_ENTRIES = 256;

const JournalEntry = z.object({
  id: z.string(),
  kind: JobKind,
  /** `running`: started, no result yet. `finished`: `result` is what to report. */
  state: z.enum(["running", "finished"]),
  startedAt: z.number(),
  result: JobResult.optional(),
  /** The control plane has the result (or refused it: retrying would not help). */
  reported: z.boolean(),
});
export type JournalEntry = z.infer<typeof JournalEntry>;

const JournalFile = z.object({ version: z.literal(1), jobs: z.array(JournalEntry) });

export class JobJournal {
  private readonly entries = new Map<string, JournalEntry>();
  private writing: Promise<void> = Promise.resolve();
  private warned = false;

  private constructor(
    private readonly file: string | null,
    private readonly log: Logger,
  ) {}

  /** Loads `stateDir/jobs.json`; a missing or unreadable file starts an empty journal. */
  static async open(stateDir: string | null, log: Logger): Promise<JobJournal> {
    const journal = new JobJournal(stateDir === null ? null : join(stateDir, JOURNAL_FILE), log);
    if (journal.file === null) return journal;
    let text: string;
    try {
      text = await readFile(journal.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
        log.warn("job journal unreadable; starting empty", {
          file: journal.file,
          reason: reason(error),
        });
      }
      return journal;
    }
    try {
      const parsed = JournalFile.parse(JSON.parse(text));
      for (const entry of parsed.jobs) journal.entries.set(entry.id, entry);
    } catch (error) {
      log.warn("job journal corrupt; starting empty", {
        file: journal.file,
        reason: reason(error),
      });
    }
    return journal;
  }

  has(jobId: string): boolean {
    return this.entries.has(jobId);
  }

  get(jobId: string): JournalEntry | undefined {
    return this.entries.get(jobId);
  }

  /** Entries a previous run left unsettled: running when it died, or finished and not reported. */
  unsettled(): JournalEntry[] {
    return [...this.entries.values()].filter((entry) => !entry.reported);
  }

  /** Adds or replaces an entry and writes the journal; a failed write is logged, not thrown. */
  async record(entry: JournalEntry): Promise<void> {
    this.entries.delete(entry.id);
    this.entries.set(entry.id, entry);
    this.trim();
    const snapshot = JSON.stringify({ version: 1, jobs: [...this.entries.values()] });
    this.writing = this.writing.then(() => this.persist(snapshot));
    await this.writing;
  }

  private trim(): void {
    while (this.entries.size > JOURNAL_MAX_ENTRIES) {
      const settled = [...this.entries.values()].find((entry) => entry.reported);
      const oldest = settled ?? this.entries.values().next().value;
      if (!oldest) return;
      this.entries.delete(oldest.id);
    }
  }

  private async persist(snapshot: string): Promise<void> {
    if (this.file === null) return;
    const temp = `${this.file}.${process.pid}.tmp`;
    try {
      await mkdir(join(this.file, ".."), { recursive: true, mode: 0o700 });
      await writeFile(temp, snapshot, { mode: 0o600 });
      await rename(temp, this.file); // atomic: a crash leaves the old journal or the new one
      this.warned = false;
    } catch (error) {
      if (!this.warned) {
        this.warned = true;
        this.log.warn("job journal not saved; a restart may report jobs late or not at all", {
          file: this.file,
          reason: reason(error),
        });
      }
    }
  }
}
