// Runs an expensive render at most once per period while only live data change (a trailing call keeps
// the last state), and at once when anything else (`key`: sliders, fit) changed.

export class KeyedThrottle {
  private key: string | null = null;
  private last = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pending: (() => void) | null = null;
  private frame = 0;

  constructor(
    private readonly everyMs = 1000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Runs `render` in the next animation frame (after the charts of this one) if `key` changed or the
   * period passed; otherwise once at the period's end.
   */
  run(key: string, render: () => void): void {
    const t = this.now();
    if (key !== this.key || t - this.last >= this.everyMs) {
      this.cancel();
      this.key = key;
      this.last = t;
      this.pending = render;
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        const r = this.pending;
        this.pending = null;
        r?.();
      });
      return;
    }
    this.pending = render;
    if (this.frame) return; // the frame's render takes the newest state
    this.timer ??= setTimeout(
      () => {
        this.timer = undefined;
        const r = this.pending;
        this.pending = null;
        this.last = this.now();
        r?.();
      },
      this.everyMs - (t - this.last),
    );
  }

  cancel(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = null;
  }
}
