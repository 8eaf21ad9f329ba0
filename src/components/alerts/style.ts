// Styles of the alert pieces (rules table, form errors, events, toasts), added once to the document so
// the toasts look the same on every page without touching the project's style sheet.
const css = `
.pb-sev { display: inline-block; font: 600 11px var(--sans-serif); text-transform: uppercase; letter-spacing: 0.03em; padding: 0.1em 0.55em; border-radius: 999px; color: #fff; background: #3b82c4; }
.pb-sev[data-severity="warning"] { background: #c88a00; }
.pb-sev[data-severity="critical"] { background: #d03050; }
.pb-rule-state { font: 13px var(--sans-serif); }
.pb-rule-state[data-state="paused"] { color: var(--theme-foreground-faint); }
.pb-table tr[data-paused="true"] td { color: var(--theme-foreground-muted); }
.pb-table tr.pb-editing td { background: var(--theme-background-alt); }
.pb-table .pb-button { margin: 0 0.3em 0 0; padding: 0.15em 0.6em; }
#history-filters[hidden] { display: none; }
.pb-alert-form { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 0.2rem 1.5rem; }
.pb-alert-form form { --label-width: 110px; width: auto; max-width: none; }
.pb-alert-form .pb-field-error input, .pb-alert-form .pb-field-error select { outline: 2px solid #d03050; }
.pb-alert-form .pb-field-error label { color: #d03050; font-weight: 600; }
.pb-form-actions { display: flex; align-items: center; flex-wrap: wrap; gap: 0.5em; margin-top: 0.6rem; }
.pb-form-actions .pb-button { margin: 0; }
.pb-form-error { font: 13px var(--sans-serif); color: #d03050; }
.pb-form-ok { font: 13px var(--sans-serif); color: #22a06b; }
.pb-events { max-width: none; list-style: none; padding: 0; margin: 0; max-height: 320px; overflow: auto; font: 13px var(--sans-serif); }
.pb-events li { display: flex; gap: 0.6em; align-items: baseline; padding: 0.3em 0; border-bottom: solid 1px var(--theme-foreground-faintest); }
.pb-events time { font-variant-numeric: tabular-nums; color: var(--theme-foreground-muted); }
.pb-toasts { position: fixed; right: 1rem; bottom: 1rem; z-index: 1000; display: flex; flex-direction: column; gap: 0.5rem; max-width: min(380px, calc(100vw - 2rem)); }
.pb-toast { font: 13px var(--sans-serif); background: var(--theme-background, #fff); color: var(--theme-foreground, #111); border-left: 5px solid #3b82c4; border-radius: 6px; padding: 0.6em 2.2em 0.6em 0.8em; box-shadow: 0 4px 16px rgba(0, 0, 0, 0.18); position: relative; animation: pb-toast-in 0.2s ease-out; }
.pb-toast[data-severity="warning"] { border-left-color: #c88a00; }
.pb-toast[data-severity="critical"] { border-left-color: #d03050; }
.pb-toast b { display: block; margin-bottom: 0.2em; }
.pb-toast button { position: absolute; top: 0.3em; right: 0.4em; border: none; background: none; font-size: 16px; cursor: pointer; color: var(--theme-foreground-muted); }
@keyframes pb-toast-in { from { opacity: 0; transform: translateY(8px); } }
`;

/** Adds the alerts' style element to the document once. */
export function useAlertsStyle(doc: Document = document): void {
  if (doc.getElementById("pb-alerts-style")) return;
  const style = doc.createElement("style");
  style.id = "pb-alerts-style";
  style.textContent = css;
  doc.head.append(style);
}
