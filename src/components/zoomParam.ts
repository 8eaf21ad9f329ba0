// The zoom in the page's URL: `?zoom=<fromMs>-<toMs>`, read at load and written on every zoom, leaving
// every other query parameter exactly as it was (`?static` stays `?static`, not `?static=`).

/** What the query says of the zoom: a view [from, to] ms, or null; a notice when the value was malformed. */
export interface ZoomParam {
  zoom: [number, number] | null;
  notice: string | null;
}

/** The raw `name=value` parts of a query string (with or without its "?"). */
function parts(search: string): string[] {
  return search
    .replace(/^\?/, "")
    .split("&")
    .filter((p) => p !== "");
}

/**
 * The zoom of the query string `search`: `zoom=<fromMs>-<toMs>` with whole ms, from < to. A malformed
 * value is ignored, with a notice. O(length of search).
 *
 *   parseZoom("?static&zoom=1000-2000") // {zoom: [1000, 2000], notice: null}
 */
export function parseZoom(search: string): ZoomParam {
  const p = parts(search).find((q) => q === "zoom" || q.startsWith("zoom="));
  if (p === undefined) return {zoom: null, notice: null};
  let value = p.slice(5);
  try {
    value = decodeURIComponent(value);
  } catch {
    // Left as it is: it fails the pattern below.
  }
  const m = /^(\d{1,15})-(\d{1,15})$/.exec(value);
  const from = m ? Number(m[1]) : NaN,
    to = m ? Number(m[2]) : NaN;
  if (!(from < to))
    return {
      zoom: null,
      notice: `Ignored zoom=${value.slice(0, 40)} in the URL (expected zoom=<from ms>-<to ms>, from before to): showing all bars.`,
    };
  return {zoom: [from, to], notice: null};
}

/**
 * `search` with its zoom set to `zoom` (rounded to whole ms) or removed (null), every other part kept
 * as written, in its place.
 *
 *   withZoom("?static&window=90", [1000, 2000]) // "?static&window=90&zoom=1000-2000"
 */
export function withZoom(search: string, zoom: readonly [number, number] | null): string {
  const rest = parts(search).filter((q) => !(q === "zoom" || q.startsWith("zoom=")));
  if (zoom) rest.push(`zoom=${Math.round(zoom[0])}-${Math.round(zoom[1])}`);
  return rest.length ? `?${rest.join("&")}` : "";
}
