/** First, last and number of distinct ids in an IdRanges. */
export interface IdSummary {
  readonly first: number;
  readonly last: number;
  readonly count: number;
}

/**
 * A set of integer ids kept as sorted disjoint closed intervals. Adding the next id of a run (the
 * common case: ids written to a socket in order) is O(1); any other add is O(log k) to find its
 * place plus O(k) to splice, for k intervals.
 */
export class IdRanges {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private total = 0;

  add(id: number): void {
    const {starts, ends} = this;
    const k = ends.length;
    if (k > 0 && id === ends[k - 1] + 1) return void ((ends[k - 1] = id), ++this.total);
    if (k > 0 && id >= starts[k - 1] && id <= ends[k - 1]) return;
    // Index of the first interval whose end is ≥ id - 1 (the one id may touch or fall in).
    let lo = 0,
      hi = k;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ends[mid] < id - 1) lo = mid + 1;
      else hi = mid;
    }
    if (lo < k && starts[lo] <= id && id <= ends[lo]) return;
    ++this.total;
    const touchesLeft = lo < k && ends[lo] === id - 1;
    const touchesRight = touchesLeft ? lo + 1 < k && starts[lo + 1] === id + 1 : lo < k && starts[lo] === id + 1;
    if (touchesLeft && touchesRight) {
      ends[lo] = ends[lo + 1];
      (starts.splice(lo + 1, 1), ends.splice(lo + 1, 1));
    } else if (touchesLeft) ends[lo] = id;
    else if (touchesRight) starts[lo] = id;
    else (starts.splice(lo, 0, id), ends.splice(lo, 0, id));
  }

  get count(): number {
    return this.total;
  }

  /** {first, last, count}, or undefined when empty. */
  summary(): IdSummary | undefined {
    const k = this.ends.length;
    return k === 0 ? undefined : {first: this.starts[0], last: this.ends[k - 1], count: this.total};
  }
}
