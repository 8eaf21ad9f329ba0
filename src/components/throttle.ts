// Runs an expensive render at most once per period while only live data change (a trailing call keeps
// the last state), and at once when anything else (`key`: sliders, fit) changed.

export class KeyedThrottle {
  private key: string | null = null;
  private last = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pending: (() => void) | null = null;

  constructor(private readonly everyMs = 1000, private readonly now: () => number = () => performance.now()) {}

  /** Runs `render` now if `key` changed or the period passed; otherwise once at the period's end. */
  run(key: string, render: () => void): void {
    const t = this.now();
    if (key !== this.key || t - this.last >= this.everyMs) {
      this.cancel();
      this.key = key;
      this.last = t;
      render();
      return;
    }
    this.pending = render;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const r = this.pending;
      this.pending = null;
      this.last = this.now();
      r?.();
    }, this.everyMs - (t - this.last));
  }

  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = null;
  }
}
