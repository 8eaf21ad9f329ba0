// Numbers with thousands separators, as Intl.NumberFormat("en-US", {maximumFractionDigits: 10}) writes
// them, without building an Intl formatter on the way to the first chart: the first one a page builds
// loads ICU's locale data, 50–80 ms of main thread (bench/notebookProfile.ts --scenario load). The
// common case (up to 10 fraction digits in the shortest decimal form) is a string operation; anything
// else goes to Intl, built on first use.
let intl: Intl.NumberFormat | null = null;

/** `v` in en-US digits with grouping and at most 10 fraction digits: "1,234.5", "-0.0012", "∞". */
export function groupedNumber(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "∞" : "-∞";
  if (Object.is(v, -0)) return "-0";
  const s = String(Math.abs(v));
  const dot = s.indexOf(".");
  if (s.includes("e") || (dot >= 0 && s.length - dot - 1 > 10))
    return (intl ??= new Intl.NumberFormat("en-US", {maximumFractionDigits: 10})).format(v);
  const whole = dot < 0 ? s : s.slice(0, dot);
  let out = whole.length > 3 ? whole.replace(/\B(?=(\d{3})+$)/g, ",") : whole;
  if (dot >= 0) out += s.slice(dot);
  return v < 0 ? `-${out}` : out;
}
