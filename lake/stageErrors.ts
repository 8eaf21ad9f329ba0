// The lake writer's storage errors, one slot per stage: a stage's error is set when it fails and
// cleared only when that same stage succeeds, so /health names a fault (a publish stuck on a
// read-only folder, a log that cannot be written) until it is really gone. Each fault is logged once
// when it starts (again only if its kind changes) and once on recovery, never at every retry, and
// retries are paced with capped exponential backoff.

/** The writer's steps that touch storage. */
export type Stage = "log" | "publish" | "compaction" | "gaps";

/** What each stage does, and what happens to the data while it fails (the log line says so). */
const stages: Record<Stage, {doing: string; meanwhile: string}> = {
  log: {doing: "writing the write-ahead log", meanwhile: "accepted trades are kept in memory until the log takes them"},
  publish: {doing: "publishing the log as Parquet", meanwhile: "the trades stay in the write-ahead log"},
  compaction: {doing: "compacting published files", meanwhile: "the published files stay as they are and readable"},
  gaps: {doing: "storing gap records", meanwhile: "the records are kept in memory until stored"},
};

export interface Backoff {
  /** Delay before the first retry, ms. */
  initialMs: number;
  /** Longest delay between retries, ms. */
  maxMs: number;
}

interface Failing {
  error: Error;
  since: number;
  attempts: number;
  retryAt: number;
}

export class StageErrors {
  private readonly failing = new Map<Stage, Failing>();

  constructor(
    private readonly log: (line: string) => void,
    private readonly backoff: Backoff = {initialMs: 200, maxMs: 5000},
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a failure of `stage`: logs it if the stage was working, and schedules the next retry. */
  failed(stage: Stage, error: Error): void {
    const now = this.now(),
      f = this.failing.get(stage);
    const {doing, meanwhile} = stages[stage];
    if (!f) {
      this.log(`lake: ${doing} failed: ${error.message} (retrying with backoff; ${meanwhile})`);
      this.failing.set(stage, {error, since: now, attempts: 1, retryAt: now + this.backoff.initialMs});
      return;
    }
    if (kind(error) !== kind(f.error)) this.log(`lake: ${doing} still fails, now with: ${error.message}`);
    f.error = error;
    f.attempts++;
    f.retryAt = now + Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** (f.attempts - 1));
  }

  /** Records a success of `stage`: clears its error and logs the recovery if it was failing. */
  succeeded(stage: Stage): void {
    const f = this.failing.get(stage);
    if (!f) return;
    this.failing.delete(stage);
    this.log(`lake: storage recovered after ${((this.now() - f.since) / 1000).toFixed(1)} s (${stages[stage].doing} works again)`);
  }

  isFailing(stage: Stage): boolean {
    return this.failing.has(stage);
  }

  /** Whether `stage` may be tried now: it works, or its backoff delay is over. */
  due(stage: Stage): boolean {
    const f = this.failing.get(stage);
    return !f || this.now() >= f.retryAt;
  }

  /** Every failing stage and its error ("publish: EACCES: …; gaps: …"), or null when all work. */
  message(): string | null {
    if (this.failing.size === 0) return null;
    return [...this.failing].map(([stage, f]) => `${stage}: ${f.error.message}`).join("; ");
  }

  /** When the oldest current fault started (ms), or null. */
  since(): number | null {
    let since: number | null = null;
    for (const f of this.failing.values()) if (since === null || f.since < since) since = f.since;
    return since;
  }
}

/** An error's kind, for "did the fault change": its errno code, else its message. */
function kind(error: Error): string {
  return (error as NodeJS.ErrnoException).code ?? error.message;
}
