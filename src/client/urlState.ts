// A page's controls in its URL: parsed from the query string at load, written back with
// history.replaceState on change (no reload, no history entry). The parsing and formatting are pure (a
// query string in, a query string out) so they are tested in Node; `readUrlState` and `writeUrlState` are
// the only two that touch the browser's location and history. Parameters a page does not declare
// (`static`, `live`, `zoom`, …) are kept byte for byte, and values at their default are left out.

/** One parameter: a number in a slider's range, one of a select's choices, or a toggle. */
export type UrlParam =
  | {kind: "number"; default: number; min: number; max: number; integer?: boolean}
  | {kind: "choice"; default: string | number; choices: readonly (string | number)[]}
  | {kind: "boolean"; default: boolean};

export type UrlSchema = Record<string, UrlParam>;

/** The values a schema describes, keyed like it. */
export type UrlValues<S extends UrlSchema> = {
  [K in keyof S]: S[K] extends {kind: "number"} ? number : S[K] extends {kind: "boolean"} ? boolean : S[K]["default"];
};

export interface UrlState<S extends UrlSchema> {
  values: UrlValues<S>;
  /** One line per value the link had that could not be used (the default was used instead). */
  problems: string[];
}

/** "2.1" for 2.1000000000000005: the digits a slider shows, not the float's noise. */
export function formatNumber(value: number): string {
  return String(Number(value.toPrecision(12)));
}

function formatValue(param: UrlParam, value: unknown): string {
  if (param.kind === "boolean") return value ? "1" : "0";
  return typeof value === "number" ? formatNumber(value) : String(value);
}

/** The parameter's value from its text, or a reason it is unusable. */
function parseValue(name: string, param: UrlParam, text: string): {value: unknown} | {problem: string} {
  // The notice quotes the link's text: at most 40 characters of it.
  const raw = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  const fallback = `(${formatValue(param, param.default)} used)`;
  if (param.kind === "boolean") {
    if (text === "1" || text === "true") return {value: true};
    if (text === "0" || text === "false") return {value: false};
    return {problem: `${name}=${raw} is not 1 or 0 ${fallback}`};
  }
  if (param.kind === "choice") {
    const found = param.choices.find((c) => String(c) === text);
    if (found !== undefined) return {value: found};
    return {problem: `${name}=${raw} is unknown ${fallback}`};
  }
  const value = text.trim() === "" ? NaN : Number(text);
  const range = `${formatNumber(param.min)} to ${formatNumber(param.max)}`;
  if (!Number.isFinite(value)) return {problem: `${name}=${raw} is not a number ${fallback}`};
  if (param.integer && !Number.isInteger(value)) return {problem: `${name}=${raw} is not a whole number ${fallback}`};
  // A slider's bounds may be fractional (a lookback of 0.7 h): compare at the precision the URL carries.
  if (value < Number(param.min.toPrecision(12)) || value > Number(param.max.toPrecision(12)))
    return {problem: `${name}=${raw} is outside ${range} ${fallback}`};
  return {value: Math.min(param.max, Math.max(param.min, value))};
}

/**
 * The state a query string carries for `schema`: each declared parameter's value, its default when
 * absent, and its default plus a one-line problem when the link's value is unusable (`window=abc`, an
 * unknown method, a number outside the slider's range). O(parameters).
 * @example parseUrlState("?window=90", {window: {kind: "number", default: 60, min: 5, max: 2000}}).values.window // 90
 */
export function parseUrlState<S extends UrlSchema>(search: string, schema: S): UrlState<S> {
  const params = new URLSearchParams(search);
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, param] of Object.entries(schema)) {
    const raw = params.get(name);
    values[name] = param.default;
    if (raw === null) continue;
    const parsed = parseValue(name, param, raw);
    if ("value" in parsed) values[name] = parsed.value;
    else problems.push(parsed.problem);
  }
  return {values: values as UrlValues<S>, problems};
}

const keyOf = (piece: string): string => {
  const key = piece.split("=", 1)[0];
  try {
    return decodeURIComponent(key.replace(/\+/g, " "));
  } catch {
    return key;
  }
};

/**
 * `search` with the schema's parameters set to `values`: a value equal to its default is removed, one
 * already in the link is replaced where it stands, a new one is appended in the schema's order; every
 * other parameter (`static`, `live=…`, `zoom=…`) is kept exactly as written. Returns "" or "?…".
 * @example formatUrlState("?static", schema, {window: 90}) // "?static&window=90"
 */
export function formatUrlState<S extends UrlSchema>(search: string, schema: S, values: Partial<UrlValues<S>>): string {
  const own = (name: string): string | null => {
    const param = schema[name];
    const value = (values as Record<string, unknown>)[name];
    if (value === undefined) return null;
    const text = formatValue(param, value);
    return text === formatValue(param, param.default) ? null : `${encodeURIComponent(name)}=${encodeURIComponent(text)}`;
  };
  const out: string[] = [];
  const done = new Set<string>();
  for (const piece of search.replace(/^\?/, "").split("&")) {
    if (piece === "") continue;
    const key = keyOf(piece);
    if (!Object.hasOwn(schema, key) || (values as Record<string, unknown>)[key] === undefined) out.push(piece);
    else if (!done.has(key)) {
      done.add(key);
      const set = own(key);
      if (set !== null) out.push(set);
    }
  }
  for (const name of Object.keys(schema)) {
    if (done.has(name)) continue;
    const set = own(name);
    if (set !== null) out.push(set);
  }
  return out.length ? `?${out.join("&")}` : "";
}

/** The state of the page's current URL. */
export function readUrlState<S extends UrlSchema>(schema: S): UrlState<S> {
  return parseUrlState(globalThis.location?.search ?? "", schema);
}

/** Writes `values` into the current URL with history.replaceState (no reload), keeping every other parameter. */
export function writeUrlState<S extends UrlSchema>(schema: S, values: Partial<UrlValues<S>>): void {
  const {location, history} = globalThis;
  if (!location || !history) return;
  replaceSearch(formatUrlState(location.search, schema, values));
}

/** Makes `search` ("" or "?…") the current URL's query with history.replaceState: no reload, no new history entry. */
export function replaceSearch(search: string): void {
  const {location, history} = globalThis;
  if (!location || !history || search === location.search) return;
  history.replaceState(history.state, "", `${location.pathname}${search}${location.hash}`);
}
