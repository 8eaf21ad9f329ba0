// The lake writer's background steps (log sync, publish, gap records), started by timers and events:
// at most one of each kind runs at a time, and one asked for while its kind runs is run once more
// right after, so a slow fsync does not make the next one wait a whole tick.

export class BackgroundSteps<Kind extends string> {
  private readonly running = new Set<Kind>();
  private readonly again = new Map<Kind, () => Promise<unknown>>();

  /** `stopped()` true: nothing more is started (the writer closed). */
  constructor(private readonly stopped: () => boolean) {}

  /** Starts `step` (or queues it behind the running one of its kind). Its failure is the caller's to record. */
  run(kind: Kind, step: () => Promise<unknown>): void {
    if (this.stopped()) return;
    if (this.running.has(kind)) return void this.again.set(kind, step);
    this.running.add(kind);
    void step()
      .catch(() => {})
      .finally(() => {
        this.running.delete(kind);
        const next = this.again.get(kind);
        this.again.delete(kind);
        if (next) this.run(kind, next);
      });
  }
}
