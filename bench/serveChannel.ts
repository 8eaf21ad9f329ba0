// bench:serve's live channel phase: N clients of ws /api/v1/live, each subscribed to BTCUSDT/ETHUSDT
// at 1-second bars, while a real recorder hub (recorder/liveHub.ts, in the bench's process) is fed one
// trade of each leg per 1-second bucket at a given rate (simulated time runs ahead of the clock). For
// every bucket and client: the time from the trades handed to the hub to the row of that bucket
// arriving at the client — the hub's own trade → send share is printed beside it (the rest is the
// loopback hop, serve's incremental update and its push) — and serve's RSS meanwhile.
import type {LiveHub} from "../recorder/liveHub.js";
import WebSocket from "ws";

export interface ChannelPhase {
  readonly clients: number;
  /** Buckets fed a second. */
  readonly rate: number;
  readonly seconds: number;
  /** The lake's last 1-second bucket start: live buckets follow it. */
  readonly lakeEnd: number;
}

export interface ChannelFigures {
  readonly rows: number;
  readonly expected: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly hub: {p50: number; p99: number};
  readonly seedMs: number;
  readonly rssBefore: number;
  readonly peakRss: number;
}

interface Row {
  time: number;
}

/** One client: subscribes, resolves when its snapshot came; `onRows` gets every pushed row's time. */
async function client(url: string, onRow: (time: number) => void): Promise<WebSocket> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => (socket.once("open", () => resolve()), socket.once("error", reject)));
  const seeded = new Promise<void>((resolve, reject) => {
    socket.on("message", (data: Buffer) => {
      const m = JSON.parse(data.toString("utf8")) as {type: string; rows?: Row[]; error?: string};
      if (m.type === "error") reject(new Error(`bench:serve: the channel refused a subscription: ${m.error}`));
      if (m.type === "snapshot") resolve();
      if (m.type === "rows") for (const r of m.rows!) onRow(r.time);
    });
  });
  socket.send(JSON.stringify({type: "subscribe", id: "p", a: "BTCUSDT", b: "ETHUSDT", interval: "1s", lookback: "30m", window: 60}));
  await seeded;
  return socket;
}

/**
 * Runs the phase against serve at `base` (its process `pid`, RSS read by `rssOf`) fed by `hub`, which
 * serve follows. O(clients × buckets) messages.
 */
export async function channelPhase(
  base: string,
  hub: LiveHub,
  rssOf: () => number,
  {clients, rate, seconds, lakeEnd}: ChannelPhase,
): Promise<ChannelFigures> {
  const url = `${base.replace(/^http/, "ws")}/api/v1/live`;
  const sentAt = new Map<number, number>(); // bucket start → when its trades went to the hub
  const latencies: number[] = [];
  let k = 0;
  const feed = () => {
    const start = lakeEnd + ++k * 1000;
    const p = 50_000 + 200 * Math.sin(k / 50);
    hub.onTrade("BTCUSDT", {id: 10_000_000 + k, time: start + 10, price: Math.round(p * 100) / 100, qty: 0.01, isBuyerMaker: false});
    hub.onTrade("ETHUSDT", {
      id: 10_000_000 + k,
      time: start + 20,
      price: Math.round((0.05 * p + 30) * 100) / 100,
      qty: 1,
      isBuyerMaker: true,
    });
    sentAt.set(start, performance.now());
  };
  const rssBefore = rssOf();
  const seeding = performance.now();
  const sockets: WebSocket[] = [];
  const lastSeen: number[] = []; // per client, the latest bucket it got a row of
  let measuredFrom = Infinity,
    waiter: {until: number; resolve: () => void} | null = null;
  /** Resolves once every client has a row of bucket `start` (rejects after 10 s). */
  const allSeen = (start: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bench:serve: no row of bucket ${start} at every client within 10 s`)), 10_000);
      waiter = {until: start, resolve: () => (clearTimeout(timer), resolve())};
      check();
    });
  const check = () => {
    if (waiter && lastSeen.every((t) => t >= waiter!.until)) (waiter.resolve(), (waiter = null));
  };
  for (let i = 0; i < clients; ++i) {
    lastSeen.push(-Infinity);
    sockets.push(
      await client(url, (time) => {
        // A bucket counts once per client, when its row first arrives.
        if (time <= lastSeen[i]) return;
        lastSeen[i] = time;
        const at = sentAt.get(time);
        if (at !== undefined && time >= measuredFrom) latencies.push(performance.now() - at);
        check();
      }),
    );
  }
  const seedMs = performance.now() - seeding;
  try {
    // Warm up: one bucket, until every client has its row (serve follows the hub's feed).
    feed();
    await allSeen(lakeEnd + k * 1000);
    hub.latency(true);
    measuredFrom = lakeEnd + (k + 1) * 1000;
    const firstMeasured = k + 1;
    let peakRss = rssOf();
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssOf())), 50);
    await new Promise<void>((resolve) => {
      const ticker = setInterval(() => {
        feed();
        if (k - firstMeasured + 1 >= rate * seconds) (clearInterval(ticker), resolve());
      }, 1000 / rate);
    });
    await allSeen(lakeEnd + k * 1000);
    clearInterval(sampler);
    latencies.sort((x, y) => x - y);
    const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
    const h = hub.latency();
    return {
      rows: latencies.length,
      expected: clients * (k - firstMeasured + 1),
      p50: q(0.5),
      p99: q(0.99),
      max: latencies.at(-1) ?? NaN,
      hub: {p50: h.p50, p99: h.p99},
      seedMs,
      rssBefore,
      peakRss,
    };
  } finally {
    for (const s of sockets) s.terminate();
  }
}
