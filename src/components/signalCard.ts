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
    this.element.dataset.position = signal ? String(signal.position) : "";
    if (!signal) {
      for (const el of Object.values(p)) el.textContent = "";
      p.position.textContent = "—";
      p.entry.textContent = "needs a hedge and bars";
      return;
    }
    p.time.textContent = `after the bar of ${utc(signal.time)}`;
    p.position.textContent = positions[signal.position];
    p.position.dataset.value = String(signal.position);
    p.entry.textContent = signal.entryTime === null ? "no open trade" : `entered ${utc(signal.entryTime)}`;
    p.entry.dataset.value = String(signal.entryTime);
    p.z.textContent = fmt(signal.z, 3);
    p.z.dataset.value = String(signal.z);
    p.spread.textContent = fmt(signal.spread, 5);
    p.spread.dataset.value = String(signal.spread);
    const first = signal.steps[0];
    p.next.textContent = Number.isNaN(signal.z) ? "the z window is filling" : `${first.kind} ${stepText(first.distance)}`;
    p.steps.replaceChildren(
      ...signal.steps.map((s) => {
        const li = document.createElement("li");
        li.dataset.kind = s.kind;
        li.dataset.value = String(s.distance);
        li.textContent = `${s.kind} at z = ${fmt(s.level, 3)}: ${stepText(s.distance)}`;
        return li;
      }),
    );
  }
}

/**
 * Distance in words: "0.8 away", or "reached" when z is past the level but the position has not
 * changed yet (the order fills after the lag; an entry on a side a stop blocked waits for |z| < entry).
 */
function stepText(distance: number): string {
  if (Number.isNaN(distance)) return "—";
  return distance > 0 ? `${fmt(distance, 3)} away` : "reached";
}
