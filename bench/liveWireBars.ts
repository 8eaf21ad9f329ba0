// A stand-in for the recorder's live hub in the notebook benches: on a page's first message it says
// hello and sends, every 50 ms (20 bars/s), a one-price 1-second bar per leg (BTCUSDT, ETHUSDT) on a
// small random walk, continuing from `endMs`, framed as src/protocol/liveWire.ts says.
import {WebSocketServer, type WebSocket} from "ws";

export interface WalkFeed {
  readonly port: number;
  /** Stops sending and closes the server. */
  close(): Promise<void>;
}

/** Starts the feed on 127.0.0.1; `onSent(k)` runs after the k-th bar pair (1-based) is sent. */
export async function startWalkFeed(endMs: number, onSent: (k: number) => void = () => {}): Promise<WalkFeed> {
  const wss = new WebSocketServer({host: "127.0.0.1", port: 0});
  await new Promise<void>((r) => wss.on("listening", () => r()));
  const timers: ReturnType<typeof setInterval>[] = [];
  wss.on("connection", (socket: WebSocket) => {
    socket.on("message", () => {
      socket.send(JSON.stringify({type: "hello", symbols: ["BTCUSDT", "ETHUSDT"]}));
      let k = 0,
        a = 60_000,
        b = 3_000;
      const bar = (start: number, p: number) => ({
        start,
        open: p,
        high: p,
        low: p,
        close: p,
        volume: 1,
        quoteVolume: p,
        count: 3,
        vwap: p,
        takerBuyVolume: 0.5,
      });
      timers.push(
        setInterval(() => {
          const start = endMs + k * 1000;
          ((a *= 1 + (Math.random() - 0.5) * 1e-4), (b *= 1 + (Math.random() - 0.5) * 1e-4));
          socket.send(JSON.stringify({type: "bar", symbol: "BTCUSDT", interval: "1s", bar: bar(start, a)}));
          socket.send(JSON.stringify({type: "bar", symbol: "ETHUSDT", interval: "1s", bar: bar(start, b)}));
          onSent(++k);
        }, 50),
      );
    });
  });
  return {
    port: (wss.address() as {port: number}).port,
    close: async () => {
      for (const t of timers) clearInterval(t);
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}
