// The live feed's HTTP server: every request and WebSocket upgrade passes the access policy
// (access.ts: Host, Origin, token) before anything else; then GET /health, the further routes it is
// given (the alerts API), or a WebSocket handed to the live hub. A route that throws answers 500, a
// refused upgrade gets a JSON HTTP answer, and nothing a client sends can throw out of here.
import {createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES} from "node:http";
import type {Duplex} from "node:stream";
import {WebSocketServer, type WebSocket} from "ws";
import {type AccessOptions, AccessPolicy} from "./access.js";
import {maxClients, maxConnections, maxFrameBytes, requestTimeoutMs} from "./liveLimits.js";

export interface LiveServerOptions {
  host: string;
  port: number;
  /** JSON for GET /health; the server adds `live()` to it. */
  health: () => unknown;
  /** Further HTTP routes (the alerts API): return true when the request was handled. */
  http?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
  /** Origins and token beyond the defaults (see access.ts). */
  access?: Omit<AccessOptions, "host">;
  log?: (line: string) => void;
}

export interface LiveServerHooks {
  /** Connected WebSocket clients (upgrades beyond `maxClients` are refused). */
  clientCount(): number;
  /** An accepted WebSocket. */
  accept(socket: WebSocket): void;
  /** What the hub adds to GET /health. */
  live(): object;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, {"content-type": "application/json"});
  res.end(JSON.stringify(body));
}

function parseUrl(text: string | undefined): URL | null {
  try {
    return new URL(text ?? "/", "http://localhost");
  } catch {
    return null; // e.g. "//": a request no client of ours sends
  }
}

export class LiveServer {
  /** Requests and upgrades refused by the access policy. */
  requestsRefused = 0;
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private readonly access: AccessPolicy;

  /** Throws (AccessPolicy) on a bad origin or token; listens only on `listen()`. */
  constructor(
    private readonly options: LiveServerOptions,
    private readonly hooks: LiveServerHooks,
  ) {
    this.access = new AccessPolicy({host: options.host, ...options.access});
    this.server = createServer({requestTimeout: requestTimeoutMs});
    this.server.maxConnections = maxConnections;
    this.wss = new WebSocketServer({noServer: true, maxPayload: maxFrameBytes});
    this.server.on("request", (req, res) => void this.handleHttp(req, res).catch((error: Error) => this.failed(res, error)));
    this.server.on("upgrade", (req, socket, head) => this.handleUpgrade(req, socket, head));
  }

  /** Starts listening; rejects with a clear error when the port is taken or the address is not this machine's. */
  async listen(): Promise<void> {
    const {host, port, log} = this.options;
    let listening = false;
    await new Promise<void>((resolve, reject) => {
      // One listener for the server's whole life: an 'error' after listen (e.g. EMFILE on accept) is logged, never thrown.
      this.server.on("error", (error: NodeJS.ErrnoException) => {
        if (listening) return log?.(`live feed: server error: ${error.message}`);
        const where = `${host}:${port}`;
        reject(
          new Error(
            error.code === "EADDRINUSE"
              ? `live feed port ${where} is already in use (another recorder running? use --live-port)`
              : `live feed cannot listen on ${where}: ${error.message}`,
          ),
        );
      });
      this.server.listen(port, host, () => ((listening = true), resolve()));
    });
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === "object" && address ? address.port : this.options.port;
  }

  /** Closes every WebSocket (1001; those that do not answer within 1 s are cut), then the server. */
  async close(): Promise<void> {
    const sockets = [...this.wss.clients];
    const closed = Promise.all(
      sockets.map(
        (socket) => new Promise((resolve) => (socket.readyState === socket.CLOSED ? resolve(null) : socket.once("close", resolve))),
      ),
    );
    for (const socket of sockets) socket.close(1001, "recorder stopping");
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, 1000)))]);
    clearTimeout(timer);
    for (const socket of this.wss.clients) socket.terminate(); // a client that stopped reading never answers
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader("vary", "origin");
    const url = parseUrl(req.url);
    if (!url) return json(res, 400, {error: "malformed request URL"});
    const decision = this.access.check(req.method ?? "GET", req.headers, url);
    if (!decision.ok) return (this.requestsRefused++, json(res, decision.status, {error: decision.error}));
    for (const [name, value] of Object.entries(AccessPolicy.corsHeaders(decision.origin, req.headers))) res.setHeader(name, value);
    if (req.method === "OPTIONS") return void (res.writeHead(204), res.end());
    if (this.options.http && (await this.options.http(req, res, url))) return;
    if (url.pathname === "/health") return json(res, 200, {...(this.options.health() as object), ...this.hooks.live()});
    json(res, 404, {error: "not found; try GET /health, /alerts/rules, /alerts/events or a WebSocket connection"});
  }

  /** A route that threw: 500 with its message (or the connection cut if the answer had started). */
  private failed(res: ServerResponse, error: Error): void {
    this.options.log?.(`live feed: ${error.message}`);
    try {
      if (res.headersSent) res.destroy();
      else json(res, 500, {error: error.message});
    } catch {
      res.destroy();
    }
  }

  /** Checks an upgrade before the handshake: refused ones get a JSON HTTP answer and never become WebSockets. */
  private handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", () => {}); // a peer that resets mid-handshake is not our error
    const url = parseUrl(req.url);
    const decision = url
      ? this.access.check("GET", req.headers, url)
      : {ok: false as const, status: 400 as const, error: "malformed request URL"};
    if (!decision.ok) this.requestsRefused++;
    const refusal = !decision.ok
      ? decision
      : this.hooks.clientCount() >= maxClients
        ? {status: 503, error: `too many live clients (limit ${maxClients}); try again later`}
        : null;
    if (refusal) {
      const body = JSON.stringify({error: refusal.error});
      const head = `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nvary: origin\r\nconnection: close\r\n\r\n`;
      return void socket.end(head + body, () => socket.destroy());
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.hooks.accept(ws));
  }
}
