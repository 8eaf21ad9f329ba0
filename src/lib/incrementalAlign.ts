/** Everything an IncrementalAlign carries from one bucket to the next, for `restore`. */
export interface AlignState {
  readonly buckets: number;
  readonly rows: number;
  readonly excluded: number;
  readonly a: number;
  readonly b: number;
  readonly gaps: number;
  readonly lastGapTo: number;
}

/**
 * `alignBars` one common bucket at a time, for bars that keep arriving: `push(t, closeA, gapA,
 * closeB, gapB)` takes the next bucket of the common grid (time order, one interval apart) and
 * returns true when it yields a row, whose closes are then `a` and `b`. The same rules as
 * `alignBars`: a gap-flagged bucket is left out and stops the carry of that leg's close; an empty
 * bucket (NaN close) carries the previous one; buckets before both legs have a price are left out.
 * `carry` is the closes carried into the first bucket (see `alignBars`). `save` and `restore` return
 * to an earlier bucket (a bar of it was replaced). O(1) per bucket.
 *
 *   const al = new IncrementalAlign(1000);
 *   if (al.push(t, closeA, 0, closeB, 0)) rows.push([t, al.a, al.b]);
 */
export class IncrementalAlign {
  /** Buckets taken, rows yielded and buckets left out so far. */
  buckets = 0;
  rows = 0;
  excluded = 0;
  /** The closes carried to the next bucket (those of the last row after `push` returned true). */
  a: number;
  b: number;
  /** Maximal runs [from, to) of gap-flagged buckets, as `alignBars` gives them. */
  readonly gaps: {from: number; to: number}[] = [];

  constructor(
    readonly interval: number,
    carry: {a: number; b: number} = {a: NaN, b: NaN},
  ) {
    if (!(interval > 0)) throw new RangeError(`IncrementalAlign: invalid interval ${interval}`);
    ((this.a = carry.a), (this.b = carry.b));
  }

  /** Takes bucket t. O(1). */
  push(t: number, closeA: number, gapA: number, closeB: number, gapB: number): boolean {
    ++this.buckets;
    if (gapA || gapB) {
      if (gapA) this.a = NaN;
      if (gapB) this.b = NaN;
      const run = this.gaps[this.gaps.length - 1];
      if (run && run.to === t) run.to = t + this.interval;
      else this.gaps.push({from: t, to: t + this.interval});
      ++this.excluded;
      return false;
    }
    if (!Number.isNaN(closeA)) this.a = closeA;
    if (!Number.isNaN(closeB)) this.b = closeB;
    if (Number.isNaN(this.a) || Number.isNaN(this.b)) {
      ++this.excluded;
      return false;
    }
    ++this.rows;
    return true;
  }

  save(): AlignState {
    const gaps = this.gaps.length;
    return {
      buckets: this.buckets,
      rows: this.rows,
      excluded: this.excluded,
      a: this.a,
      b: this.b,
      gaps,
      lastGapTo: gaps ? this.gaps[gaps - 1].to : NaN,
    };
  }

  /** Returns to a state `save` gave (of this alignment, at or before the current bucket). */
  restore(s: AlignState): void {
    if (s.gaps > this.gaps.length) throw new RangeError("IncrementalAlign.restore: the state is not an earlier one of this alignment");
    ((this.buckets = s.buckets), (this.rows = s.rows), (this.excluded = s.excluded), (this.a = s.a), (this.b = s.b));
    this.gaps.length = s.gaps;
    // A run that grew since: back to its end then (a new object, as rows handed out may hold the old).
    if (s.gaps) this.gaps[s.gaps - 1] = {from: this.gaps[s.gaps - 1].from, to: s.lastGapTo};
  }
}
