// The series a pair stream computed under its previous rules, kept with their buffers: switching the
// pair report's hedge back (Kalman ⇄ rolling OLS ⇄ a fixed one) takes them again instead of computing
// every row or asking the series worker (a round trip behind its prefetch, ~14 MB of new buffers and
// their garbage per switch). A rule's buffers are kept only when the next rule brings buffers of its
// own (a worker's, or kept ones): a rule computed in place writes over the previous one's.
import type {RowColumn} from "./streamColumns.js";
import {type RuleSnapshot, StreamRuleStage} from "./streamRule.js";

/** A rule's series as a stream left them: its derived columns' buffers and its stage's state. */
export interface StashedRule {
  readonly key: string;
  /** Every column but time, a and b, `capacity` long. */
  readonly columns: Partial<Record<RowColumn, Float64Array>>;
  readonly capacity: number;
  readonly state: RuleSnapshot;
  /** Rows still equal to the rows these series were computed over (later ones changed since). */
  valid: number;
}

/**
 * At most `keep` stashed rules, the least recently kept dropped. `changed(from)` tells them which
 * rows changed (a live bar redone, a new view: 0); `take(key, rows, capacity)` returns a rule's series
 * when a stream of `rows` rows can go on from them (a checkpoint where its rows changed), else null.
 *
 *   stash.keep(outgoing);  …  const s = stash.take(ruleKey, length);  if (s) columns.adopt(s.columns, s.capacity);
 */
export class RuleStash {
  private readonly held = new Map<string, StashedRule>();

  constructor(private readonly limit = 2) {}

  /** Whether `key`'s series are held (they may still not resume: see `take`). */
  has(key: string): boolean {
    return this.held.has(key);
  }

  /** Keeps `rule` (replacing one of its key). */
  keep(rule: StashedRule): void {
    this.held.delete(rule.key);
    this.held.set(rule.key, rule);
    for (const old of this.held.keys()) if (this.held.size > this.limit) this.held.delete(old);
  }

  /** The rows from `from` on changed (0: all; every stashed rule then drops out). */
  changed(from: number): void {
    if (from <= 0) return this.held.clear();
    for (const s of this.held.values()) s.valid = Math.min(s.valid, from);
  }

  /**
   * Takes `key`'s series out of the stash when they serve a stream of `rows` rows: buffers of room for
   * them, and the stage resumes at their first changed row. null otherwise (then dropped: no use).
   */
  take(key: string, rows: number): StashedRule | null {
    const s = this.held.get(key);
    if (!s) return null;
    this.held.delete(key);
    const valid = Math.min(s.valid, rows, s.state.done);
    return s.capacity >= rows && StreamRuleStage.resumes(s.state, valid) ? {...s, valid} : null;
  }

  clear(): void {
    this.held.clear();
  }
}
