// The pair report's hedge controls: the method select (the fixed hedges of hedgeRatio, and the dynamic
// rolling OLS and Kalman, src/lib/dynamicHedge.ts) with the dynamic hedges' parameters, shown for the
// method that uses them, and their URL parameters (src/client/urlState.ts).
import * as Inputs from "@observablehq/inputs";
import {html} from "htl";
import type {DynamicHedgeSpec} from "../lib/dynamicHedge.js";
import {type HedgeMethod, hedgeMethods} from "../lib/hedgeMethods.js";
import type {ValueControl} from "./urlControls.js";

/** The page's methods: hedgeRatio's, and rolling OLS; "kalman" here is the filter bar by bar, not its last state. */
export const pageHedgeMethods = ["ols", "rolling-ols", ...hedgeMethods.filter((m) => m !== "ols")] as const;
export type PageHedgeMethod = (typeof pageHedgeMethods)[number];

const deltas = [1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2],
  noises = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1];

/** The URL parameters of the hedge controls, for the page's schema. */
export const hedgeSchema = {
  method: {kind: "choice", choices: pageHedgeMethods, default: "ols"},
  hedgeWindow: {kind: "number", min: 10, max: 5000, integer: true, default: 300},
  delta: {kind: "choice", choices: deltas, default: 1e-4},
  ve: {kind: "choice", choices: noises, default: 1e-3},
} as const;

export interface HedgeValues {
  method: string;
  hedgeWindow: number;
  delta: string | number;
  ve: string | number;
}

/** The method hedgeRatio fits for the page's method (the worker's report, the hedge table's row). */
export function fitMethodOf(method: string): HedgeMethod {
  return method === "rolling-ols" ? "ols" : (method as HedgeMethod);
}

/** The dynamic hedge the controls choose, or null for a fixed one. */
export function dynamicSpecOf(v: HedgeValues): DynamicHedgeSpec | null {
  if (v.method === "rolling-ols") return {kind: "rolling-ols", window: v.hedgeWindow};
  if (v.method === "kalman") return {kind: "kalman", delta: Number(v.delta), ve: Number(v.ve)};
  return null;
}

/**
 * The select and the parameters' inputs (initial values from the URL), and `element`, the box holding
 * them, whose value is the chosen dynamic hedge (`dynamicSpecOf`) and which fires `input` when it
 * changes: `Generators.input(hedge.element)`. The parameters show only for the method using them.
 */
export function hedgeControls(values: HedgeValues): {
  controls: Record<keyof typeof hedgeSchema, ValueControl>;
  element: HTMLElement;
  /** The dynamic hedges the select can switch to, with the parameters as set (rolling OLS, Kalman). */
  alternatives: () => DynamicHedgeSpec[];
} {
  const exp = (x: number) => x.toExponential(0);
  const controls = {
    method: Inputs.select(pageHedgeMethods, {label: "hedge method", value: values.method}),
    hedgeWindow: Inputs.range([hedgeSchema.hedgeWindow.min, hedgeSchema.hedgeWindow.max], {
      label: "rolling OLS window (bars)",
      step: 1,
      value: values.hedgeWindow,
    }),
    delta: Inputs.select(deltas, {label: "Kalman δ", value: Number(values.delta), format: exp}),
    ve: Inputs.select(noises, {label: "Kalman obs. noise", value: Number(values.ve), format: exp}),
  };
  const element = html`<div class="pb-hedge-controls" id="hedge-controls">${Object.values(controls)}</div>`;
  const current = (): HedgeValues => ({
    method: controls.method.value,
    hedgeWindow: controls.hedgeWindow.value,
    delta: controls.delta.value,
    ve: controls.ve.value,
  });
  const show = () => {
    const m = controls.method.value;
    controls.hedgeWindow.hidden = m !== "rolling-ols";
    controls.delta.hidden = controls.ve.hidden = m !== "kalman";
  };
  Object.defineProperty(element, "value", {get: () => dynamicSpecOf(current())});
  element.addEventListener("input", show);
  show();
  const alternatives = () => (["rolling-ols", "kalman"] as const).map((method) => dynamicSpecOf({...current(), method})!);
  return {controls, element, alternatives};
}
