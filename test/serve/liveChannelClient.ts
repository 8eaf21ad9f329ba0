// A test client of serve's live channel (ws /api/v1/live): keeps every message, awaits the next one
// matching a predicate (event-driven, no polling), and keeps each subscription's rows as the channel
// defines them (a snapshot, then "rows" replacing those from `from` on).
import WebSocket from "ws";

export interface ChannelRow {
  time: number;
  a: number;
  b: number;
  alpha: number | null;
  beta: number | null;
  spread: number | null;
  z: number | null;
  position: number;
  signal: string | null;
}

export interface ChannelMessage {
  type: string;
  id?: string;
  live?: string;
  message?: string;
  error?: string;
  parameter?: string;
  from?: number;
  rows?: ChannelRow[];
  settings?: Record<string, unknown> & {hedge: {alpha: number; beta: number} | null};
}

export interface ChannelClient {
  readonly socket: WebSocket;
  readonly messages: ChannelMessage[];
  /** Each subscription's rows so far. */
  readonly rows: Map<string, ChannelRow[]>;
  /** The first message after the `after`-th (default: any so far) that matches. */
  next(match: (m: ChannelMessage) => boolean, after?: number): Promise<ChannelMessage>;
  /** Resolves with the close code and reason. */
  closed: Promise<{code: number; reason: string}>;
  send(message: unknown): void;
}

/** Opens the channel at `url` (ws://…/api/v1/live); rejects with the HTTP status of a refused upgrade. */
export async function openChannel(url: string, headers: Record<string, string> = {}): Promise<ChannelClient> {
  const socket = new WebSocket(url, {headers});
  const messages: ChannelMessage[] = [];
  const rows = new Map<string, ChannelRow[]>();
  const waiters = new Set<() => void>();
  const closed = new Promise<{code: number; reason: string}>((resolve) =>
    socket.on("close", (code, reason) => resolve({code, reason: reason.toString()})),
  );
  socket.on("close", () => [...waiters].forEach((w) => w()));
  socket.on("message", (data) => {
    const m = JSON.parse(data.toString()) as ChannelMessage;
    messages.push(m);
    if ((m.type === "snapshot" || m.type === "rows") && m.id !== undefined)
      rows.set(m.id, [...(rows.get(m.id) ?? []).slice(0, m.from), ...m.rows!]);
    for (const w of [...waiters]) w();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("unexpected-response", (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), {status: res.statusCode})));
    socket.once("error", reject);
  });
  return {
    socket,
    messages,
    rows,
    closed,
    send: (message) => socket.send(typeof message === "string" ? message : JSON.stringify(message)),
    next(match, after = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.slice(after).find(match);
          if (found) return (waiters.delete(check), resolve(found));
          if (socket.readyState === socket.CLOSED) return (waiters.delete(check), reject(new Error("the channel closed")));
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** The HTTP status of a refused upgrade. */
export async function refusedStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  try {
    const c = await openChannel(url, headers);
    c.socket.terminate();
    return 101;
  } catch (error) {
    return (error as {status?: number}).status ?? -1;
  }
}
