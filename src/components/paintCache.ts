// Painted canvases kept by what they show: a canvas chart (./canvasChart.ts) whose every layer is as it
// was at a full paint a switch or two ago (a hedge switched back: the same stamped series,
// ../lib/stream/writeStamps.ts, the same rules, marks and axes) copies that paint back instead of
// stroking its thousands of segments again. A layer whose contents are not known (an unstamped series,
// a custom layer) makes no key: such a chart is always painted.
import {writeStamp} from "../lib/stream/writeStamps.js";
import {context2d, type DotLayer, type Layer, type SpanLayer} from "./chartLayers.js";

/** A series' rows as a key part: its buffer's stamp, where the rows start, how many; null unstamped. */
function rowsKey(v: ArrayLike<number>): string | null {
  const stamp = writeStamp(v);
  return stamp === undefined || !ArrayBuffer.isView(v) ? null : `${stamp}:${v.byteOffset}:${v.length}`;
}

type Dot = DotLayer["dots"][number];
type Span = SpanLayer["spans"][number];

/**
 * What a full paint shows: the series, rules and styles as text, and the marks and spans as the
 * layers' own arrays (compared value by value: thousands of trade marks as text took ~10 ms a paint).
 */
export interface PaintKey {
  readonly text: string;
  readonly dots: readonly (readonly Dot[])[];
  readonly spans: readonly (readonly Span[])[];
}

/**
 * What a full paint of `layers` shows (`frame`: everything of the canvas and axes the paint depends
 * on); null when a layer's contents are not known. Equal keys (`samePaint`), equal pixels. O(layers).
 *
 *   paintKey([{type: "rule", y: 0, stroke: "#ccc"}], "640|200|1|…")  // {text: "640|200|1|…|r0/#ccc/", dots: [], spans: []}
 */
export function paintKey(layers: readonly Layer[], frame: string): PaintKey | null {
  const parts = [frame],
    dots: (readonly Dot[])[] = [],
    spans: (readonly Span[])[] = [];
  for (const l of layers) {
    if (l.type === "line" || l.type === "area") {
      const x = rowsKey(l.x),
        y = rowsKey(l.y);
      if (x === null || y === null) return null;
      parts.push(
        l.type === "line"
          ? `l${x}/${y}/${l.stroke}/${l.width}/${l.dash?.join()}/${l.opacity}/${l.scale}`
          : `a${x}/${y}/${l.fill}/${l.opacity}`,
      );
    } else if (l.type === "rule") parts.push(`r${l.y}/${l.stroke}/${l.dash?.join() ?? ""}`);
    else if (l.type === "spans") (parts.push(`s${l.fill}/${l.opacity}`), spans.push(l.spans));
    else if (l.type === "dots") (parts.push("d"), dots.push(l.dots));
    else return null;
  }
  return {text: parts.join("|"), dots, spans};
}

/** Whether two paint keys show the same pixels. O(marks + spans). */
export function samePaint(p: PaintKey, q: PaintKey): boolean {
  const sameDot = (a: Dot, b: Dot) => a.x === b.x && a.y === b.y && a.fill === b.fill && a.symbol === b.symbol,
    sameSpan = (a: Span, b: Span) => a.from === b.from && a.to === b.to;
  return p.text === q.text && sameLists(p.dots, q.dots, sameDot) && sameLists(p.spans, q.spans, sameSpan);
}

function sameLists<T>(p: readonly (readonly T[])[], q: readonly (readonly T[])[], same: (a: T, b: T) => boolean): boolean {
  if (p.length !== q.length) return false;
  for (let k = 0; k < p.length; ++k) {
    const a = p[k],
      b = q[k];
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; ++i) if (!same(a[i], b[i])) return false;
  }
  return true;
}

/** The last `limit` full paints of one canvas, by `paintKey`, as copies (the least recently used dropped). */
export class PaintCache {
  private readonly held: {key: PaintKey; copy: HTMLCanvasElement}[] = [];
  /** The texts of the last few keys painted: a paint is kept only when it comes again (a hedge switched back). */
  private readonly seen: string[] = [];

  constructor(private readonly limit = 2) {}

  /** Paints what `key` showed on `canvas` (cleared first) and returns true; false when it is not held. O(pixels). */
  take(key: PaintKey, canvas: HTMLCanvasElement | OffscreenCanvas): boolean {
    const i = this.held.findIndex((h) => samePaint(h.key, key)),
      ctx = context2d(canvas);
    if (i < 0 || !ctx) return false;
    const [hit] = this.held.splice(i, 1);
    this.held.push(hit);
    if (hit.copy.width !== canvas.width || hit.copy.height !== canvas.height) return false;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = 1;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(hit.copy, 0, 0);
    return true;
  }

  /**
   * Keeps a copy of `canvas` as what `key` shows (reusing the canvas of the paint dropped), when a key
   * of its text was painted lately, or `always` (a hedge switch's paint: switched back, it comes again):
   * the copy makes the canvas raster within the task, a cost a paint shown once (a slider's) would pay
   * for nothing. O(pixels) when kept.
   */
  keep(key: PaintKey, canvas: HTMLCanvasElement | OffscreenCanvas, always = false): void {
    if (!always && !this.seen.includes(key.text)) {
      this.seen.push(key.text);
      if (this.seen.length > 2 * this.limit) this.seen.shift();
      return;
    }
    const i = this.held.findIndex((h) => samePaint(h.key, key));
    const reuse = i >= 0 ? this.held.splice(i, 1)[0].copy : this.held.length >= this.limit ? this.held.shift()!.copy : null;
    const copy = reuse ?? document.createElement("canvas");
    if (copy.width !== canvas.width || copy.height !== canvas.height) ((copy.width = canvas.width), (copy.height = canvas.height));
    const ctx = copy.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = 1;
    ctx.clearRect(0, 0, copy.width, copy.height);
    ctx.drawImage(canvas, 0, 0);
    // The marks and spans by value: a stream's gap runs grow in place (the last one's end).
    const held = {...key, dots: key.dots.map((a) => a.map((d) => ({...d}))), spans: key.spans.map((a) => a.map((g) => ({...g})))};
    this.held.push({key: held, copy});
  }
}
