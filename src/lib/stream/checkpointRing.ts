// Checkpoints of an incremental stage's state before each of its last steps, so a change among the
// newest steps (a live bar replaced or arriving late) redoes only the steps from the changed one.

/** Steps behind the newest one whose state is kept: a change older than that redoes the stage whole. */
export const depth = 512;

/**
 * The states of a stage before its last `depth` steps (a step: a bucket or a row), in a ring indexed by
 * step. `put` the state before a step, `get` it back to redo from there, `dropAfter` the steps redone.
 *
 *   if (k > last - depth) ring.put(k, stage.save());   …   const s = ring.get(k); if (s) stage.restore(s);
 */
export class CheckpointRing<S> {
  private ring = new Array<{step: number; state: S} | null>(depth).fill(null);

  /** Keeps `state` as the state before step `step`, replacing the one `depth` steps earlier. */
  put(step: number, state: S): void {
    this.ring[step % depth] = {step, state};
  }

  /** The state before step `step`, or null when it is not (or no longer) kept. */
  get(step: number): S | null {
    if (step < 0) return null;
    const c = this.ring[step % depth];
    return c && c.step === step ? c.state : null;
  }

  /** Forgets the states after step `step` (taken on steps that have changed). */
  dropAfter(step: number): void {
    for (let j = 0; j < depth; ++j) if ((this.ring[j]?.step ?? -1) > step) this.ring[j] = null;
  }

  clear(): void {
    this.ring.fill(null);
  }

  /** The states kept, by step (plain data: a worker sends them with the series it computed). */
  entries(): {step: number; state: S}[] {
    return this.ring.filter((c): c is {step: number; state: S} => c !== null);
  }

  /** Keeps the states of `entries` instead of these (another ring's, e.g. a worker's). */
  load(entries: readonly {step: number; state: S}[]): void {
    this.clear();
    for (const {step, state} of entries) this.put(step, state);
  }
}
