// Steps that must not overlap (the log's writes, or everything on one DuckDB connection) run one
// after another, in the order they were queued; a step's failure does not stop the next one.

export class SerialQueue {
  private chain: Promise<unknown> = Promise.resolve();

  /** Runs `step` once every step queued before it has settled; settles as `step` does. */
  run<T>(step: () => Promise<T>): Promise<T> {
    const run = this.chain.then(step, step);
    this.chain = run.catch(() => {});
    return run;
  }
}
