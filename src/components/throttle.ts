// Runs an expensive render at most once per period while only live data change (a trailing call keeps
// the last state), and at once when anything else (`key`: sliders, fit) changed: in a task of its own
// after the next frame, not in the frame. Inside the frame's task, the tables and the backtest section
// (~50–90 ms on a loaded 2-core machine, bench/notebookProfile.ts --scenario slider) ran before the next
// slider move's cells in that frame; as a task after it, a newer state (the next move) cancels it first.

export class KeyedThrottle {
  private key: string | null = null;
  private last = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pending: (() => void) | null = null;
  private frame = 0;
  /** The task posted after the frame (null: none, or cancelled). */
  private channel: MessageChannel | null = null;

  constructor(
    private readonly everyMs = 1000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Runs `render` in a task after the next animation frame (after the charts of this one are painted)
   * if `key` changed or the period passed; otherwise once at the period's end.
   */
  run(key: string, render: () => void): void {
    const t = this.now();
    if (key !== this.key || t - this.last >= this.everyMs) {
      this.cancel();
      this.key = key;
      this.last = t;
      this.pending = render;
      this.frame = requestAnimationFrame(() => this.afterFrame());
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
    if (this.frame > 0) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.close();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = null;
  }

  /** In the frame: posts the render as a task of its own (a message: no timer clamping). */
  private afterFrame(): void {
    this.frame = -1; // posted: a call meanwhile still waits for it
    const channel = (this.channel = new MessageChannel());
    channel.port2.onmessage = () => {
      if (this.channel !== channel) return; // cancelled
      this.close();
      this.frame = 0;
      const r = this.pending;
      this.pending = null;
      r?.();
    };
    channel.port1.postMessage(null);
  }

  private close(): void {
    this.channel?.port1.close();
    this.channel?.port2.close();
    this.channel = null;
  }
}
