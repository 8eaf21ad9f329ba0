// The rules table of the Alerts page: each rule's condition and settings, its state (active, paused
// and why, a recorded gap it waits out, last fired) and buttons to pause/resume, edit and delete it.
import {html} from "htl";
import {type AlertRule, isPairMetric, type ListedRule} from "../../protocol/alerts.js";
import {useAlertsStyle} from "./style.js";
import {alertNumber, conditionText, utcTime} from "./text.js";

export interface RulesTableOptions {
  lastFired: ReadonlyMap<string, number>;
  /** Id of the rule loaded in the form, highlighted. */
  editing?: string | null;
  onPause: (rule: AlertRule, paused: boolean) => Promise<void>;
  onDelete: (rule: AlertRule) => Promise<void>;
  onEdit: (rule: AlertRule) => void;
  /** Asks before deleting; default window.confirm. */
  confirm?: (question: string) => boolean;
}

const clockMetric = (metric: string) => metric === "staleness" || metric === "openGaps";

/** "1s × 60 bars" (· hedge for pairs, with a dynamic one's parameters), or "checked every 0.5 s" for staleness and open gaps. */
export function evaluationText(rule: Pick<AlertRule, "metric" | "interval" | "window" | "hedge" | "hedgeWindow" | "delta" | "ve">): string {
  if (clockMetric(rule.metric)) return "checked every 0.5 s";
  const params =
    rule.hedge === "rolling-ols"
      ? ` ${rule.hedgeWindow} bars`
      : rule.hedge === "kalman" && rule.delta !== undefined
        ? ` δ ${rule.delta} noise ${rule.ve} (warm-up ${rule.hedgeWindow} bars)`
        : "";
  return `${rule.interval} × ${rule.window} bars${isPairMetric(rule.metric) ? ` · ${rule.hedge}${params}` : ""}`;
}

export function rulesTable(
  rules: readonly ListedRule[],
  {lastFired, editing = null, onPause, onDelete, onEdit, confirm = (q) => globalThis.confirm(q)}: RulesTableOptions,
): HTMLElement {
  useAlertsStyle();
  if (rules.length === 0) return html`<p class="pb-notice" id="rules-empty">No rules yet: create one with the form below.</p>`;
  const message = html`<p class="pb-form-error" id="rules-error"></p>`;
  // Buttons act once: the table is redrawn when the recorder confirms the change.
  const act = (button: HTMLButtonElement, action: () => Promise<void>) => async () => {
    button.disabled = true;
    message.textContent = "";
    try {
      await action();
    } catch (error) {
      message.textContent = (error as Error).message;
      button.disabled = false;
    }
  };
  const row = (rule: ListedRule) => {
    const pause =
      html`<button class="pb-button" type="button" data-action="pause">${rule.paused ? "Resume" : "Pause"}</button>` as HTMLButtonElement;
    const edit = html`<button class="pb-button" type="button" data-action="edit">Edit</button>` as HTMLButtonElement;
    const remove = html`<button class="pb-button" type="button" data-action="delete">Delete</button>` as HTMLButtonElement;
    pause.onclick = act(pause, () => onPause(rule, !rule.paused));
    edit.onclick = () => onEdit(rule);
    remove.onclick = act(remove, async () => {
      if (confirm(`Delete the rule “${rule.name}”? Its past events stay in the history.`)) await onDelete(rule);
      else remove.disabled = false;
    });
    const fired = lastFired.get(rule.id);
    const state = rule.pauseReason ? "paused by the recorder" : rule.paused ? "paused" : "active";
    return html`<tr id=${`rule-${rule.id}`} data-rule=${rule.id} data-paused=${String(rule.paused)} class=${rule.id === editing ? "pb-editing" : ""}>
      <td><b>${rule.name}</b><br><span class="pb-notice">${rule.id}</span></td>
      <td>${rule.target}</td>
      <td>${rule.metric}</td>
      <td>${conditionText(rule)}</td>
      <td>${evaluationText(rule)}</td>
      <td><span class="pb-sev" data-severity=${rule.severity}>${rule.severity}</span></td>
      <td class="pb-num">${alertNumber(rule.cooldownSeconds)} s</td>
      <td class="pb-num">${rule.hysteresis === null ? "—" : alertNumber(rule.hysteresis)}</td>
      <td><span class="pb-rule-state" data-state=${rule.paused ? "paused" : "active"} title=${rule.pauseReason ?? ""}>${state}</span>${rule.pauseReason ? html`<br><span class="pb-notice pb-pause-reason">${rule.pauseReason}</span>` : ""}${rule.state.gapReason ? html`<br><span class="pb-notice pb-gap-reason">${rule.state.gapReason}</span>` : ""}${fired === undefined ? "" : html`<br><span class="pb-notice">fired ${utcTime(fired)}</span>`}</td>
      <td style="white-space: nowrap">${pause}${edit}${remove}</td>
    </tr>`;
  };
  return html`<div>
    <div class="pb-scroll"><table class="pb-table" id="rules-table">
      <thead><tr><th>name</th><th>target</th><th>metric</th><th>condition</th><th>interval / window</th><th>severity</th><th>cooldown</th><th>hysteresis</th><th>state</th><th></th></tr></thead>
      <tbody>${rules.map(row)}</tbody>
    </table></div>
    ${message}
  </div>`;
}
