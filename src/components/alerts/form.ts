// The create/edit form of the Alerts page (Inputs from @observablehq/inputs). It sends what the user
// chose and leaves validation to the recorder: a refusal (400 {error, field}) is shown next to the
// buttons and the field at fault is outlined.
import * as Inputs from "@observablehq/inputs";
import {html} from "htl";
import {
  alertHedges,
  type AlertRule,
  alertIntervals,
  comparators,
  isDynamicHedge,
  isPairMetric,
  pairMetrics,
  type RuleInput,
  severities,
  symbolMetrics,
} from "../../protocol/alerts.js";
import {useAlertsStyle} from "./style.js";
import {metricName} from "./text.js";

export interface AlertFormOptions {
  /** The rule being edited; null or undefined: a new rule. */
  rule?: AlertRule | null;
  /** Saves the rule (POST, or PATCH when editing); rejects with an error carrying `field` on a 400. */
  onSubmit: (rule: RuleInput, id?: string) => Promise<AlertRule>;
  /** Leaves edit mode (after a save or on Cancel). */
  onDone?: () => void;
}

/** Targets for a metric: the symbols, or every ordered pair of them ("A/B": A regressed on B). */
export function targetsFor(metric: string, symbols: readonly string[]): string[] {
  return isPairMetric(metric) ? symbols.flatMap((a) => symbols.filter((b) => b !== a).map((b) => `${a}/${b}`)) : [...symbols];
}

const defaults = {
  name: "",
  target: "",
  metric: "zscore",
  comparator: "abs>",
  threshold: 2.5,
  interval: "1m",
  window: 60,
  hedge: "ols",
  hedgeWindow: 60,
  delta: 1e-4,
  ve: 1e-3,
  severity: "warning",
  cooldownSeconds: 60,
  hysteresis: null,
  paused: false,
};

export function alertForm(symbols: readonly string[], {rule = null, onSubmit, onDone = () => {}}: AlertFormOptions): HTMLElement {
  useAlertsStyle();
  const start = rule ?? defaults;
  const metrics = [...pairMetrics, ...symbolMetrics];
  const fields: Record<string, HTMLFormElement & {value: unknown}> = {
    name: Inputs.text({label: "name", value: start.name, placeholder: "default: target metric condition"}),
    metric: Inputs.select(metrics, {label: "metric", value: start.metric, format: metricName}),
    target: Inputs.select([] as string[], {label: "target"}),
    comparator: Inputs.select(comparators, {label: "comparator", value: start.comparator, format: (c) => (c === "abs>" ? "|value| >" : c)}),
    threshold: Inputs.number({label: "threshold", value: start.threshold, step: "any"}),
    interval: Inputs.select(alertIntervals, {label: "interval", value: start.interval}),
    window: Inputs.number({label: "window (bars)", value: start.window, step: "any"}),
    hedge: Inputs.select(alertHedges, {label: "hedge (pairs)", value: start.hedge}),
    hedgeWindow: Inputs.number({label: "hedge window (bars)", value: start.hedgeWindow ?? defaults.hedgeWindow, step: 1}),
    delta: Inputs.number({label: "Kalman δ", value: start.delta ?? defaults.delta, step: "any"}),
    ve: Inputs.number({label: "Kalman obs. noise", value: start.ve ?? defaults.ve, step: "any"}),
    severity: Inputs.select(severities, {label: "severity", value: start.severity}),
    cooldownSeconds: Inputs.number({label: "cooldown (s)", value: start.cooldownSeconds, step: "any"}),
    hysteresis: Inputs.text({
      label: "re-arm level",
      value: start.hysteresis === null ? "" : String(start.hysteresis),
      placeholder: "none: when the condition is false",
    }),
  };
  const grid = html`<div class="pb-alert-form"></div>`;
  // The target list follows the metric: symbols for price, volatility, staleness, gaps; pairs otherwise.
  const setTargets = (keep: string) => {
    const choices = targetsFor(String(fields.metric.value), symbols);
    const next = Inputs.select(choices, {label: "target", value: choices.includes(keep) ? keep : choices[0]});
    next.dataset.field = "target";
    fields.target.replaceWith(next);
    fields.target = next;
  };
  for (const [key, input] of Object.entries(fields)) ((input.dataset.field = key), grid.append(input));
  setTargets(start.target);
  // A dynamic hedge's parameters show only for it (rolling OLS: its window; Kalman: warm-up, δ, noise).
  const showHedge = () => {
    const h = String(fields.hedge.value);
    fields.hedgeWindow.hidden = !isDynamicHedge(h);
    fields.delta.hidden = fields.ve.hidden = h !== "kalman";
  };
  fields.hedge.addEventListener("input", showHedge);
  showHedge();
  fields.metric.addEventListener("input", () => {
    const target = fields.target.value;
    setTargets(typeof target === "string" ? target : "");
  });

  const message = html`<span class="pb-form-error" id="alert-form-error" role="alert"></span>`;
  const save =
    html`<button class="pb-button" type="button" id="alert-save">${rule ? "Save changes" : "Create rule"}</button>` as HTMLButtonElement;
  const cancel = html`<button class="pb-button" type="button" id="alert-cancel">Cancel</button>` as HTMLButtonElement;
  cancel.onclick = () => onDone();
  const clearError = () => {
    ((message.textContent = ""), (message.className = "pb-form-error"), delete message.dataset.errorField);
    for (const input of Object.values(fields)) input.classList.remove("pb-field-error");
  };
  save.onclick = async () => {
    clearError();
    const value = (key: string) => fields[key].value;
    const hysteresis = String(value("hysteresis")).trim();
    const input: RuleInput = {
      target: value("target"),
      metric: value("metric"),
      comparator: value("comparator"),
      threshold: value("threshold"),
      interval: value("interval"),
      window: value("window"),
      hedge: value("hedge"),
      ...(isDynamicHedge(String(value("hedge"))) ? {hedgeWindow: value("hedgeWindow")} : {}),
      ...(value("hedge") === "kalman" ? {delta: value("delta"), ve: value("ve")} : {}),
      severity: value("severity"),
      cooldownSeconds: value("cooldownSeconds"),
      // An unparsable level goes as typed, so the recorder names the field.
      hysteresis: hysteresis === "" ? null : Number.isFinite(Number(hysteresis)) ? Number(hysteresis) : hysteresis,
    };
    const name = String(value("name")).trim();
    if (name) input.name = name;
    save.disabled = true;
    try {
      const saved = await onSubmit(input, rule?.id);
      message.className = "pb-form-ok";
      message.textContent = `${rule ? "Saved" : "Created"} rule ${saved.id} (“${saved.name}”).`;
      if (rule) onDone();
    } catch (error) {
      const field = (error as {field?: string | null}).field ?? null;
      message.textContent = (error as Error).message;
      if (field) message.dataset.errorField = field;
      if (field && fields[field]) fields[field].classList.add("pb-field-error");
    } finally {
      save.disabled = false;
    }
  };
  return html`<div id="alert-form" data-mode=${rule ? "edit" : "create"}>
    ${rule ? html`<p class="pb-notice">Editing rule <b>${rule.id}</b>; changing its target, metric or threshold re-arms it.</p>` : ""}
    ${grid}
    <div class="pb-form-actions">${save}${rule ? cancel : ""}${message}</div>
  </div>`;
}
