// The live side of a page: the build-time bars plus the recorder's feed (bars, unfilled gaps and a
// perpetual's funding events: pageFunding.ts), with
// a status line (the URL's token redacted). Pages observe three streams: `frames` (at most one per
// animation frame, for charts), `refits` (throttled, for the expensive statistics) and `statuses`
// (the status line, on change only), so a live bar redraws charts without redoing every test.
import type {BarsFile} from "../protocol/barsFile.js";
import {connectLiveFeed, type LiveStatus} from "./liveFeed.js";
import {LiveBars} from "./liveBars.js";
import {PageFunding} from "./pageFunding.js";
import {redactToken} from "../protocol/recorderEndpoint.js";

export interface FeedFrame {
  /** LiveBars.version at the time of the frame. */
  version: number;
  liveBuckets: number;
  status: LiveStatus;
}

export interface PageFeedOptions {
  url: string;
  symbols: readonly string[];
  /** false: static snapshot, no connection (?static). */
  enabled: boolean;
  /** Connection factory, for tests; default connectLiveFeed. */
  connect?: typeof connectLiveFeed;
}

/** "static snapshot (built 2026-11-21 15:35:06 UTC)" */
export function builtLabel(builtAt: number): string {
  return `static snapshot (built ${new Date(builtAt).toISOString().slice(0, 19).replace("T", " ")} UTC)`;
}

/**
 * The documented switches of every page: `?static` turns live updates off (no connection, no request,
 * no console error) for the rest of the browser tab's visit, so navigating keeps it; `?live=URL` turns
 * them on again and follows another recorder. A build with PAIRBOOK_LIVE_URL=off is static by default.
 */
export function liveSettings(
  search: string,
  defaultUrl: string,
  storage: Pick<Storage, "getItem" | "setItem" | "removeItem"> | null = globalThis.sessionStorage ?? null,
): {enabled: boolean; url: string} {
  const params = new URLSearchParams(search);
  const key = "pairbook:static";
  if (params.has("static")) storage?.setItem(key, "1");
  else if (params.has("live")) storage?.removeItem(key);
  const url = params.get("live") || defaultUrl;
  const off = params.has("static") || (!params.has("live") && storage?.getItem(key) === "1");
  return {enabled: !off && url !== "" && url !== "off", url};
}

export class PageFeed {
  readonly bars: LiveBars;
  /** The funding events the backtest charges: the build's and the live feed's (read at each refit). */
  readonly funding: PageFunding;
  status: LiveStatus;
  private readonly frameListeners = new Set<(f: FeedFrame) => void>();
  private readonly statusListeners = new Set<(s: LiveStatus) => void>();
  private frame = 0;
  private readonly stopFeed: () => void;

  constructor(file: BarsFile, {url, symbols, enabled, connect = connectLiveFeed}: PageFeedOptions) {
    this.bars = new LiveBars(file);
    this.funding = new PageFunding(file.meta.funding);
    const built = builtLabel(file.meta.builtAt);
    this.status = enabled
      ? {state: "connecting", detail: `Connecting to ${redactToken(url)}…`}
      : {state: "static", detail: `Showing the ${built}; live updates off`};
    this.stopFeed = enabled
      ? connect({
          url,
          symbols,
          interval: file.meta.interval,
          onBars: (symbol, bars) => (this.bars.add(symbol, bars), this.schedule()),
          // Unfilled gaps the recorder reports (a restart, an exchange hole): their buckets are flagged, no close carried across.
          onGap: (symbol, gap) => (this.bars.addGap(symbol, gap), this.schedule()),
          // Funding stored by the recorder: the next refit charges it (refits count it as news).
          onFunding: (symbol, events) => (this.funding.add(symbol, events), this.schedule()),
          onStatus: (s) => {
            this.status = s.state === "live" ? s : {state: s.state, detail: `${s.detail} — showing the ${built}`};
            for (const listener of this.statusListeners) listener(this.status);
            this.schedule();
          },
        })
      : () => {};
  }

  /** Grows with every live bar, gap or funding event. */
  private get news(): number {
    return this.bars.version + this.funding.version;
  }

  private current(): FeedFrame {
    return {version: this.bars.version, liveBuckets: this.bars.liveBuckets, status: this.status};
  }

  private schedule(): void {
    if (this.frame) return;
    const run = () => {
      this.frame = 0;
      const f = this.current();
      for (const listener of this.frameListeners) listener(f);
    };
    this.frame = typeof requestAnimationFrame === "function" ? requestAnimationFrame(run) : (setTimeout(run, 16) as unknown as number);
  }

  /** For Generators.observe: the current frame now, then one per animation frame with news. */
  frames = (notify: (f: FeedFrame) => void): (() => void) => {
    this.frameListeners.add(notify);
    notify(this.current());
    return () => void this.frameListeners.delete(notify);
  };

  /** For Generators.observe: the current status now, then each new one. */
  statuses = (notify: (s: LiveStatus) => void): (() => void) => {
    this.statusListeners.add(notify);
    notify(this.status);
    return () => void this.statusListeners.delete(notify);
  };

  /**
   * For Generators.observe: the current version of the news (bars and funding events) now, then at
   * most one every `everyMs` while news arrives; and one with every frame of news while `eager()` (too
   * few bars fitted for a report yet).
   */
  refits = (notify: (version: number) => void, everyMs = 30_000, eager: () => boolean = () => false): (() => void) => {
    let sent = this.news;
    notify(sent);
    const timer = setInterval(() => {
      if (this.news !== sent) notify((sent = this.news));
    }, everyMs);
    const onFrame = () => {
      if (this.news !== sent && eager()) notify((sent = this.news));
    };
    this.frameListeners.add(onFrame);
    return () => (clearInterval(timer), void this.frameListeners.delete(onFrame));
  };

  stop(): void {
    this.stopFeed();
    if (this.frame && typeof cancelAnimationFrame === "function") cancelAnimationFrame(this.frame);
    this.frameListeners.clear();
    this.statusListeners.clear();
  }
}
