// Write stamps of column buffers: a buffer is stamped whenever rows are written into it, so a reader
// that kept something computed from its rows (a chart's decimated series) knows it still holds while
// the stamp is the same — also after the buffer went away and came back (a pair stream's stashed
// series, taken again on a hedge switched back: ./ruleStash.ts). A stamp names rows' contents: a
// buffer the rows were copied into (a column moved to a larger buffer) takes the stamp of the one it
// replaces. A buffer never stamped is unknown: readers then compute afresh.

const stamps = new WeakMap<ArrayBufferLike, number>();
let clock = 0;

/**
 * Stamps the buffers under `columns` as written now: their rows may differ from what was read before.
 * O(columns).
 *
 *   for (…) spread[i] = …;  stampWritten(spread);
 */
export function stampWritten(...columns: readonly Float64Array[]): void {
  for (const c of columns) stamps.set(c.buffer, ++clock);
}

/** Stamps the buffers under `columns` never stamped before (new ones, or a worker's); the others keep theirs. */
export function stampNew(...columns: readonly Float64Array[]): void {
  for (const c of columns) if (!stamps.has(c.buffer)) stamps.set(c.buffer, ++clock);
}

/**
 * Gives `to`, which the rows of `from` were just copied into (and which replaces it: `from` is written
 * no more), the stamp of `from`; a fresh one if `from` has none. O(1).
 */
export function stampCopy(from: Float64Array, to: Float64Array): void {
  stamps.set(to.buffer, stamps.get(from.buffer) ?? ++clock);
}

/**
 * The stamp of the buffer under `column`, or undefined when it has none (not a typed array, or never
 * stamped): equal stamps, unchanged rows. O(1).
 */
export function writeStamp(column: ArrayLike<number>): number | undefined {
  return ArrayBuffer.isView(column) ? stamps.get(column.buffer) : undefined;
}

/**
 * The rows of `columns` as a key: their lengths and stamps, "" when one has no stamp. Equal keys,
 * unchanged rows. O(columns).
 *
 *   const drawn = stampsKey(time, a, b);  …  if (stampsKey(time, a, b) !== drawn) redraw();
 */
export function stampsKey(...columns: readonly ArrayLike<number>[]): string {
  const stamps = columns.map(writeStamp);
  return stamps.includes(undefined) ? "" : columns.map((c, i) => `${c.length}:${stamps[i]}`).join("|");
}
