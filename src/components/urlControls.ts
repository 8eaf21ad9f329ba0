// A page's controls bound to its URL (src/client/urlState.ts): every `input` writes the controls' values
// into the URL, a "copy link" button copies it, and a one-line notice names the link's values that could
// not be used. The controls take their initial values from the parsed URL (Inputs' `value:` option).
import {html} from "htl";
import {type UrlSchema, type UrlState, type UrlValues, writeUrlState} from "../client/urlState.js";

/** Anything with a value that fires `input`: an Observable Input (range, select, toggle, form). */
export type ValueControl = EventTarget & {value: unknown};

/**
 * Binds `controls` (keyed like `schema`) to the URL: writes their values on every `input`, and every
 * parameter's value once now, so that a link's unusable values leave the URL. A parameter without a control (the lab's inspected
 * cell) is the page's to write, with writeUrlState. Returns the "copy link" button with its confirmation
 * and, when the link had unusable values, the notice naming them (`#url-notice`).
 * @example display(html`<div class="pb-controls">${Object.values(controls)}${urlControls(schema, controls, state)}</div>`)
 */
export function urlControls<S extends UrlSchema>(schema: S, controls: {[K in keyof S]?: ValueControl}, state: UrlState<S>): HTMLElement {
  // Written when the page is idle, after the charts the input recomputes, coalescing a slider's run of
  // inputs into one write (flushed before a copy).
  let cancel: (() => void) | undefined;
  const flush = () => {
    if (cancel === undefined) return;
    cancel();
    cancel = undefined;
    writeUrlState(schema, valuesOf(controls));
  };
  const write = () => {
    if (cancel === undefined) cancel = afterFrame(() => ((cancel = undefined), writeUrlState(schema, valuesOf(controls))));
  };
  for (const control of Object.values(controls)) control?.addEventListener("input", write);
  writeUrlState(schema, {...state.values, ...valuesOf(controls)});
  const notice = state.problems.length
    ? html`<p class="pb-notice pb-url-notice" id="url-notice" role="status">Link: ${state.problems.join("; ")}.</p>`
    : null;
  return html`<div class="pb-link">${copyLinkButton(flush)}${notice}</div>`;
}

function valuesOf<S extends UrlSchema>(controls: {[K in keyof S]?: ValueControl}): Partial<UrlValues<S>> {
  return Object.fromEntries(Object.entries(controls).map(([name, control]) => [name, control?.value])) as Partial<UrlValues<S>>;
}

/**
 * Runs `f` when the page is idle (at most 300 ms later), in the task after a frame was drawn; returns
 * what cancels it. history.replaceState first brings the page's style and layout up to date (a forced
 * layout right after it costs nothing): where the charts' redraw left them stale (an idle callback run by
 * its timeout, under load) it took 35–50 ms; after a frame, ~1 ms on the pair report.
 */
function afterFrame(f: () => void): () => void {
  let cancelled = false;
  const run = () => !cancelled && f(),
    drawn = () => requestAnimationFrame(() => setTimeout(run, 0));
  const idle = typeof requestIdleCallback === "function" ? requestIdleCallback(drawn, {timeout: 300}) : window.setTimeout(run, 50);
  return () => {
    cancelled = true;
    if (typeof cancelIdleCallback === "function") cancelIdleCallback(idle);
    else clearTimeout(idle);
  };
}

/** A button copying location.href (after `beforeCopy`, e.g. a pending URL write), with a short confirmation (or the link to copy by hand). */
export function copyLinkButton(beforeCopy?: () => void): HTMLElement {
  const said = html`<span class="pb-notice" id="copy-link-status" role="status"></span>`;
  const button = html`<button class="pb-button" type="button" id="copy-link" title="Copy a link to this view, with every control as set">
    Copy link
  </button>` as HTMLButtonElement;
  let timer: ReturnType<typeof setTimeout> | undefined;
  button.onclick = async () => {
    beforeCopy?.();
    const href = location.href;
    clearTimeout(timer);
    try {
      await navigator.clipboard.writeText(href);
      said.textContent = "Link copied";
    } catch {
      // No clipboard (an insecure origin, a denied permission): show the link to copy by hand.
      said.replaceChildren(html`<input readonly size="40" value=${href} aria-label="link to this view" />`);
      (said.firstElementChild as HTMLInputElement).select();
      return;
    }
    timer = setTimeout(() => (said.textContent = ""), 2500);
  };
  return html`<span class="pb-copy-link">${button} ${said}</span>`;
}
