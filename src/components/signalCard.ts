// The pair report's signal card: the last bar's spread and z, the rule's position (as the backtest
// holds it) with its entry time, and how far z is from the rule's next entry, exit or stop. Built once
// and updated in place, like the KPIs, after every live frame.
import type {PairSignal} from "../lib/signal.js";
import {fmt} from "./reportTables.js";

const positions = {"1": "long spread", "-1": "short spread", "0": "flat"} as const;

/** "2026-11-21 15:35:06 UTC" */
function utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

export class SignalCard {
  readonly element: HTMLDivElement;
  private readonly parts: Record<"spread" | "z" | "position" | "entry" | "next" | "steps" | "time", HTMLElement>;
  private shown = "";

  constructor() {
    this.element = document.createElement("div");
    this.element.className = "card pb-signal";
    this.element.id = "signal-card";
    this.element.innerHTML = `<h2>Signal <span class="pb-notice" id="signal-time"></span></h2>
<div class="pb-kpis">
  <div><h3>Position</h3><div class="pb-big" id="signal-position"></div><span class="pb-notice" id="signal-entry"></span></div>
  <div><h3>z</h3><div class="pb-big" id="signal-z"></div><span class="pb-notice" id="signal-next"></span></div>
  <div><h3>Spread</h3><div class="pb-big" id="signal-spread"></div></div>
  <div><h3>Next decision (z units to go)</h3><ul class="pb-notice" id="signal-steps" style="list-style: none; padding: 0; margin: 0.25rem 0 0"></ul></div>
</div>`;
    const q = (id: string) => this.element.querySelector<HTMLElement>(`#${id}`)!;
    this.parts = {
      spread: q("signal-spread"),
      z: q("signal-z"),
      position: q("signal-position"),
      entry: q("signal-entry"),
      next: q("signal-next"),
      steps: q("signal-steps"),
      time: q("signal-time"),
    };
  }

  /** Shows `signal` (null: no hedge or no rows yet), touching the DOM only when something changed. */
  update(signal: PairSignal | null): void {
    const key = signal
      ? [
          signal.time,
          signal.spread,
          signal.z,
          signal.position,
          signal.entryBar,
          signal.entryTime,
          ...signal.steps.map((s) => s.distance),
        ].join("|")
      : "-";
    if (key === this.shown) return;
    this.shown = key;
    const p = this.parts;
    // Only the text and attributes that changed are written, and the steps' items are kept: a live
    // frame then relays out a few text boxes, not the card (and the page) over again.
    set(this.element, null, signal ? String(signal.position) : "", "position");
    if (!signal) {
      for (const el of Object.values(p)) set(el, "");
      set(p.position, "—");
      set(p.entry, "needs a hedge and bars");
      p.steps.replaceChildren();
      return;
    }
    set(p.time, `after the bar of ${utc(signal.time)}`);
    set(p.position, positions[signal.position], String(signal.position));
    set(p.entry, signal.entryTime === null ? "no open trade" : `entered ${utc(signal.entryTime)}`, String(signal.entryTime));
    set(p.z, fmt(signal.z, 3), String(signal.z));
    set(p.spread, fmt(signal.spread, 5), String(signal.spread));
    const first = signal.steps[0];
    set(p.next, Number.isNaN(signal.z) ? "the z window is filling" : `${first.kind} ${stepText(first.distance)}`);
    const items = p.steps.children;
    while (items.length > signal.steps.length) items[items.length - 1].remove();
    while (items.length < signal.steps.length) p.steps.append(document.createElement("li"));
    signal.steps.forEach((s, i) => {
      const li = items[i] as HTMLElement;
      set(li, `${s.kind} at z = ${fmt(s.level, 3)}: ${stepText(s.distance)}`, String(s.distance));
      set(li, null, s.kind, "kind");
    });
  }
}

/** Sets `el`'s text (null: leaves it) and its data-`key` attribute (undefined: leaves it), each only if it differs. */
function set(el: HTMLElement, text: string | null, value?: string, key = "value"): void {
  if (text !== null && el.textContent !== text) el.textContent = text;
  if (value !== undefined && el.dataset[key] !== value) el.dataset[key] = value;
}

/**
 * Distance in words: "0.8 away", or "reached" when z is past the level but the position has not
 * changed yet (the order fills after the lag; an entry on a side a stop blocked waits for |z| < entry).
 */
function stepText(distance: number): string {
  if (Number.isNaN(distance)) return "—";
  return distance > 0 ? `${fmt(distance, 3)} away` : "reached";
}
