// `pairbook serve`'s HTTP server: the read-only API (serve/routes.ts) and, with a site folder, the built
// notebook. Every request passes the access gate first (the recorder's Host/Origin/token rules,
// recorder/access.ts, handed in by the CLI); API answers carry an ETag made of the lake's fingerprint
// and the request, so a repeated request over unchanged files is a 304 (or a cached body) without
// touching DuckDB. A handler's exception becomes a 500 reply, never a crash.
import {createHash} from "node:crypto";
import {createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse} from "node:http";
import type {AddressInfo} from "node:net";
import type {Duplex} from "node:stream";
import {cachedFingerprint} from "./lakeFingerprint.js";
import type {ChannelLimits} from "./channelLimits.js";
import {LiveChannel} from "./liveChannel.js";
import {commonQuery, ParamError, parseParams} from "./params.js";
import {errorReply, type Reply} from "./reply.js";
import {matchPath, type Route, type ServeLimits} from "./route.js";
import {routes as apiRoutes} from "./routes.js";
import {siteFile, siteStream} from "./site.js";

/** Who may use the server: recorder/access.ts's AccessPolicy fits (Host, Origin, token). */
export interface RequestGate {
  check(
    method: string,
    headers: IncomingHttpHeaders,
    url: URL,
  ): {ok: true; origin: string | null} | {ok: false; status: number; error: string};
}

export interface ServeOptions {
  readonly lake: string;
  /** A built notebook (dist/) to serve at /; none: only the API. */
  readonly site?: string;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly gate: RequestGate;
  readonly limits?: Partial<ServeLimits>;
  /** How long a lake fingerprint is reused, ms (default 1000; 0 re-reads the lake's file list every request). */
  readonly fingerprintTtlMs?: number;
  /** Most API computations at once; more are answered 503 with Retry-After (default 8). */
  readonly maxConcurrent?: number;
  readonly routes?: readonly Route[];
  /** The recorder's live feed for the channel ws /api/v1/live (default ws://127.0.0.1:8787), and its reconnect backoff (ms). */
  readonly liveUrl?: string;
  readonly liveBackoffMs?: readonly [first: number, max: number];
  /** The live channel's bounds where lower than serve/channelLimits.ts's defaults (tests, benches). */
  readonly liveLimits?: Partial<ChannelLimits>;
  readonly log?: (line: string) => void;
  readonly now?: () => number;
}

export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Defaults: a day of 1-second bars per symbol per response, 20 symbols in a correlation matrix. */
export const defaultLimits: ServeLimits = {maxBars: 100_000, maxSymbols: 20};

const cacheEntries = 64,
  cacheBytes = 2 << 20;

/** Starts the server; resolves once it listens. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const limits = {...defaultLimits, ...options.limits};
  const routes = options.routes ?? apiRoutes;
  const fingerprint = cachedFingerprint(options.lake, options.fingerprintTtlMs ?? 1000);
  const cache = new Map<string, {reply: Reply; body: Buffer}>();
  const log = options.log ?? (() => {});
  const now = options.now ?? Date.now;
  let active = 0;

  async function api(req: IncomingMessage, res: ServerResponse, url: URL, cors: Record<string, string>): Promise<unknown> {
    const route = routes.find((r) => matchPath(r.path, url.pathname));
    if (!route)
      return send(req, res, errorReply(404, `no route ${url.pathname.slice(0, 120)} (GET /api/v1/openapi.json lists them)`), cors);
    const path = matchPath(route.path, url.pathname)!;
    const params = parseParams(route.params, url.searchParams, path);
    const query = [...url.searchParams].filter(([k]) => !commonQuery.includes(k)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const key = createHash("sha256")
      .update(JSON.stringify([url.pathname, query]))
      .digest("base64url")
      .slice(0, 16);
    const etag = `"${await fingerprint()}.${key}"`;
    const tagged = {...cors, etag, "cache-control": "no-cache"};
    if ((req.headers["if-none-match"] ?? "").split(",").some((t) => t.trim() === etag)) {
      res.writeHead(304, tagged).end();
      return;
    }
    const hit = cache.get(etag);
    if (hit) {
      (cache.delete(etag), cache.set(etag, hit));
      return send(req, res, {...hit.reply, body: hit.body}, tagged);
    }
    if (active >= (options.maxConcurrent ?? 8))
      return send(req, res, errorReply(503, "busy: too many requests being computed; retry shortly"), {...cors, "retry-after": "1"});
    ++active;
    let reply: Reply;
    try {
      reply = await route.handle({lake: options.lake, params, limits, now});
    } finally {
      --active;
    }
    const body = await send(req, res, reply, tagged, route.cache ? cacheBytes : 0);
    if (body && reply.status === 200) {
      cache.set(etag, {reply, body});
      while (cache.size > cacheEntries) cache.delete(cache.keys().next().value!);
    }
  }

  async function site(req: IncomingMessage, res: ServerResponse, url: URL, cors: Record<string, string>): Promise<unknown> {
    const file = options.site === undefined ? null : await siteFile(options.site, url.pathname);
    if (!file) return send(req, res, errorReply(404, `not found: ${url.pathname.slice(0, 120)}`), cors);
    const etag = `"${Math.round(file.mtimeMs).toString(36)}-${file.size.toString(36)}"`;
    const headers = {
      ...cors,
      etag,
      "cache-control": "no-cache",
      "content-type": file.type,
      "content-length": String(file.size),
      "x-content-type-options": "nosniff",
    };
    if (req.headers["if-none-match"] === etag) return void res.writeHead(304, headers).end();
    res.writeHead(200, headers);
    if (req.method === "HEAD") return void res.end();
    siteStream(file)
      .on("error", () => res.destroy())
      .pipe(res);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://localhost");
    } catch {
      return send(req, res, errorReply(400, "malformed request URL"), {});
    }
    const method = req.method ?? "GET";
    const decision = options.gate.check(method, req.headers, url);
    if (!decision.ok) return send(req, res, errorReply(decision.status, decision.error), {});
    const cors = corsHeaders(decision.origin);
    if (method === "OPTIONS") return void res.writeHead(204, cors).end();
    if (method !== "GET" && method !== "HEAD")
      return send(req, res, errorReply(405, `${method.slice(0, 20)} not allowed: this API is read-only`), {
        ...cors,
        allow: "GET, HEAD, OPTIONS",
      });
    try {
      if (url.pathname === "/api" || url.pathname.startsWith("/api/")) await api(req, res, url, cors);
      else await site(req, res, url, cors);
    } catch (error) {
      if (res.headersSent) return void res.destroy();
      if (error instanceof ParamError) return send(req, res, errorReply(400, error.message, error.parameter), cors);
      // src/lib's RangeError: the data cannot be analysed so (e.g. log of a non-positive price).
      if (error instanceof RangeError) return send(req, res, errorReply(422, error.message), cors);
      log(`pairbook serve: ${method} ${url.pathname}: ${(error as Error)?.stack ?? String(error)}`);
      // The details (which may name lake paths) go to the server's log, not to the client.
      return send(req, res, errorReply(500, "internal error (details in pairbook serve's log)"), cors);
    }
  }

  const server = createServer({requestTimeout: 120_000}, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`pairbook serve: ${String(error)}`);
      res.destroy();
    });
  });
  server.on("clientError", (_error, socket) => socket.destroy());
  const live = new LiveChannel({
    lake: options.lake,
    gate: options.gate,
    limits,
    now,
    log,
    liveUrl: options.liveUrl,
    backoffMs: options.liveBackoffMs,
    channelLimits: options.liveLimits,
  });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => live.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => (server.off("error", reject), resolve()));
  });
  const {port} = server.address() as AddressInfo;
  const shown = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `http://${shown === "0.0.0.0" || shown === "[::]" ? "127.0.0.1" : shown}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        live.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** CORS for an allowed page: its Origin echoed (never `*`), read-only methods. */
function corsHeaders(origin: string | null): Record<string, string> {
  if (origin === null) return {};
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-methods": "GET, HEAD, OPTIONS",
    "access-control-allow-headers": "authorization, if-none-match",
    "access-control-expose-headers": "etag",
    "access-control-max-age": "600",
    vary: "Origin",
  };
}

/**
 * Writes a reply, streaming an iterable body chunk by chunk with back-pressure. Returns the body when
 * it is at most `keep` bytes (for the cache), else null.
 */
async function send(
  req: IncomingMessage,
  res: ServerResponse,
  reply: Reply,
  headers: Record<string, string>,
  keep = 0,
): Promise<Buffer | null> {
  const head: Record<string, string> = {...headers, "content-type": reply.type, "x-content-type-options": "nosniff"};
  if (reply.filename) head["content-disposition"] = `attachment; filename="${reply.filename.replace(/[^\w.-]/g, "_")}"`;
  const body = reply.body;
  if (typeof body === "string" || body instanceof Uint8Array) {
    const bytes = Buffer.from(typeof body === "string" ? Buffer.from(body) : body);
    res.writeHead(reply.status, {...head, "content-length": String(bytes.length)});
    res.end(req.method === "HEAD" ? undefined : bytes);
    return bytes.length <= keep ? bytes : null;
  }
  res.writeHead(reply.status, head);
  const kept: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (req.method === "HEAD" || res.destroyed) break;
    const bytes = Buffer.from(chunk);
    if ((size += bytes.length) <= keep) kept.push(bytes);
    if (!res.write(bytes)) await drained(res);
  }
  res.end();
  return size <= keep && !res.destroyed ? Buffer.concat(kept) : null;
}

/** Resolves on the response's next `drain` or its `close`, removing both listeners (a long stream waits many times). */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => (res.off("drain", done), res.off("close", done), resolve());
    (res.once("drain", done), res.once("close", done));
  });
}
