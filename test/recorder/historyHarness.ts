// What the `record --history` process tests share: a proxy in front of the simulator that logs every
// request (and what a trade page answered) and can spoil an archive file, a recorder started through
// it, and /health polling.
import {type ChildProcess, spawn} from "node:child_process";
import {createServer, type IncomingMessage, type Server, type ServerResponse} from "node:http";
import type {AddressInfo} from "node:net";
import {createInterface} from "node:readline";
import {recordArgv} from "../../cli/recordArgv.js";
import type {Simulator} from "../../simulator/index.js";
import type {Health} from "../../src/protocol/health.js";

/** One request through the proxy: its run, URL (path and query), and for a trade page the ids and times it answered. */
export interface LoggedRequest {
  run: number;
  path: string;
  ids: number[];
  times: number[];
}

export interface HistoryProxy {
  url: string;
  requests: LoggedRequest[];
  /** Requests are logged under this run number (record() counts it up). */
  run: number;
  /** Replaces the body of a response whose path it matches (an archive file spoiled); undefined: as the simulator answers. */
  tamper?: (path: string, body: Buffer) => Buffer | undefined;
  /** Output lines of every recorder started. */
  output: string[];
  close(): Promise<void>;
}

/** Starts a logging proxy to `simulator`'s REST and archive. */
export async function historyProxy(simulator: Simulator): Promise<HistoryProxy> {
  const server: Server = createServer((req, res) => void forward(req, res).catch(() => res.destroy()));
  const proxy: HistoryProxy = {
    url: "",
    requests: [],
    run: 0,
    output: [],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const upstream = await fetch(`${simulator.restUrl}${req.url}`);
    let body: Buffer = Buffer.from(await upstream.arrayBuffer());
    const path = new URL(req.url ?? "/", "http://x").pathname;
    let ids: number[] = [],
      times: number[] = [];
    if (path === "/api/v3/historicalTrades" && upstream.ok) {
      const rows = JSON.parse(body.toString()) as {id: number; time: number}[];
      ((ids = rows.map((t) => t.id)), (times = rows.map((t) => t.time)));
    } else if (path === "/fapi/v1/aggTrades" && upstream.ok) {
      const rows = JSON.parse(body.toString()) as {a: number; T: number}[];
      ((ids = rows.map((t) => t.a)), (times = rows.map((t) => t.T)));
    }
    proxy.requests.push({run: proxy.run, path: req.url ?? "", ids, times});
    if (upstream.ok) body = proxy.tamper?.(path, body) ?? body;
    const headers: Record<string, string> = {};
    upstream.headers.forEach((value, key) => void (key !== "content-length" && key !== "content-encoding" && (headers[key] = value)));
    res.writeHead(upstream.status, headers).end(body);
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

export interface RecordHistoryOptions {
  symbols: readonly string[];
  lake: string;
  /** `--history` value, e.g. `90m`. */
  history: string;
  /** Without: REST only (no --archive-url). */
  archive: boolean;
}

/** Starts `pairbook record --history …` with REST (both markets) and the archive through the proxy; resolves with the child and its /health. */
export async function recordThrough(
  proxy: HistoryProxy,
  simulator: Simulator,
  o: RecordHistoryOptions,
): Promise<{child: ChildProcess; health: () => Promise<Health>}> {
  ++proxy.run;
  const argv = recordArgv({
    symbols: o.symbols,
    lake: o.lake,
    wsUrl: simulator.wsUrl,
    restUrl: proxy.url,
    usdmWsUrl: simulator.wsUrl,
    usdmRestUrl: proxy.url,
    publishInterval: 0.3,
    alerts: false,
    args: ["--history", o.history, ...(o.archive ? ["--archive-url", proxy.url] : [])],
  });
  const child = spawn(process.execPath, ["cli/pairbook.js", ...argv], {stdio: ["ignore", "pipe", "pipe"]});
  const lines = createInterface({input: child.stdout});
  const port = await new Promise<number>((resolve, reject) => {
    lines.on("line", (line) => {
      proxy.output.push(line);
      const match = /live feed ws:\/\/127\.0\.0\.1:(\d+)/.exec(line);
      if (match) resolve(Number(match[1]));
    });
    child.on("exit", (code) => reject(new Error(`record exited with ${code}: ${proxy.output.join("\n")}`)));
  });
  return {child, health: async () => (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as Health};
}

/** Polls /health until `done` holds (a server whose timing we do not control). */
export async function untilHealth(
  health: () => Promise<Health>,
  done: (h: Health) => boolean,
  output: readonly string[],
  timeoutMs = 60_000,
): Promise<Health> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const h = await health();
    if (done(h)) return h;
    if (Date.now() > deadline)
      throw new Error(
        `timed out; last /health: ${JSON.stringify({history: h.history, symbols: h.symbols, rest: h.rest})}\n${output.join("\n")}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.on("exit", (code) => resolve(code)),
  );

/** Kills a recorder a failed test left running (the next test counts requests). */
export async function killLeft(child: ChildProcess | undefined): Promise<void> {
  if (child && child.exitCode === null && child.signalCode === null) (child.kill("SIGKILL"), await exited(child));
}
