// The pair report's pause/resume switch for live updates. Pausing freezes what is drawn, not the data:
// the feed keeps taking bars (LiveBars), the switch counts the live bars that came in meanwhile, and
// resuming draws them at once. Listeners (LivePair.pause) and gated notifications (the refit period)
// follow the switch.
import type {PageFeed} from "../client/pageFeed.js";

export class LiveSwitch {
  readonly element: HTMLDivElement;
  private readonly button: HTMLButtonElement;
  private readonly note: HTMLSpanElement;
  private readonly listeners = new Set<(paused: boolean) => void>();
  private readonly stopFrames: () => void;
  private pausedAt: {version: number; liveBuckets: number} | null = null;

  constructor(private readonly feed: PageFeed) {
    this.element = document.createElement("div");
    this.element.className = "pb-live-switch";
    this.element.innerHTML = `<button type="button" id="live-switch" aria-pressed="false"></button> <span class="pb-notice" id="live-waiting" aria-live="polite"></span>`;
    this.button = this.element.querySelector("button")!;
    this.note = this.element.querySelector("span")!;
    this.button.addEventListener("click", () => this.set(!this.paused));
    this.stopFrames = feed.frames(() => this.show());
    this.show();
  }

  get paused(): boolean {
    return this.pausedAt !== null;
  }

  /** Pauses (true) or resumes (false) live drawing; listeners hear of a change. */
  set(paused: boolean): void {
    if (paused === this.paused) return;
    this.pausedAt = paused ? {version: this.feed.bars.version, liveBuckets: this.feed.bars.liveBuckets} : null;
    this.show();
    for (const listener of this.listeners) listener(paused);
  }

  /** Calls `listener(paused)` on every change. Returns the function that stops it. */
  onChange(listener: (paused: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /**
   * `notify` held back while paused: the latest value is kept and delivered on resume (for the refit
   * period, so a paused page's statistics hold still too).
   */
  gate<T>(notify: (value: T) => void): (value: T) => void {
    let held: {value: T} | null = null;
    this.onChange((paused) => {
      if (!paused && held) (notify(held.value), (held = null));
    });
    return (value) => (this.paused ? void (held = {value}) : notify(value));
  }

  stop(): void {
    this.stopFrames();
    this.listeners.clear();
  }

  private show(): void {
    const p = this.pausedAt;
    this.button.textContent = p ? "Resume live updates" : "Pause live updates";
    this.button.setAttribute("aria-pressed", String(p !== null));
    this.element.dataset.paused = String(p !== null);
    const waiting = p ? this.feed.bars.liveBuckets - p.liveBuckets : 0,
      updates = p ? this.feed.bars.version - p.version : 0;
    this.note.dataset.updates = String(updates);
    this.note.textContent = p
      ? `paused: ${waiting} new live bar${waiting === 1 ? "" : "s"} waiting (${updates} update${updates === 1 ? "" : "s"})`
      : "";
  }
}
