// Who may use the recorder's local API (HTTP and WebSocket on the live-feed port). Any web page the
// user opens can reach a local port, so every request and upgrade is checked:
//   - Host must name this machine (localhost, 127.x.x.x, [::1], the --live-host, and when bound to
//     0.0.0.0 or :: the machine's own addresses): a DNS-rebinding page sends its own name and is refused.
//   - Origin, when sent, must be an http page on this machine (any port) or an --allow-origin: a
//     foreign page can neither change rules nor read /health or the feed. No Origin (curl, scripts) is fine.
//   - With a token (required off loopback), every request but a CORS preflight must carry it, as
//     `Authorization: Bearer <token>` or `?token=<token>`; compared in constant time.
//   - A request with a body (POST, PUT, PATCH) must be `content-type: application/json`: a browser
//     sends that to another origin only after a CORS preflight, so a text/plain "simple request"
//     (CSRF) cannot change anything even where an Origin check might be missing.
import {createHash, timingSafeEqual} from "node:crypto";
import type {IncomingHttpHeaders} from "node:http";
import {hostname, networkInterfaces} from "node:os";

export interface AccessOptions {
  /** The address the API listens on (--live-host); its name is accepted in Host. */
  host: string;
  /** Origins allowed besides http pages on localhost, 127.0.0.1 or [::1] (--allow-origin). */
  allowOrigins?: readonly string[];
  /** When set, required on every request and upgrade except CORS preflights (--token). */
  token?: string;
  /** Further Host names of this machine; default, when `host` is a wildcard, its addresses and hostname. */
  machineNames?: readonly string[];
}

/** The outcome of a check: allowed (with the Origin to echo, if any), or a status and a one-line reason. */
export type AccessDecision = {ok: true; origin: string | null} | {ok: false; status: 401 | 403 | 415; error: string};

/** Shortest token --token accepts: 16 characters of [!-~] (e.g. `openssl rand -hex 16` gives 32). */
export const minTokenLength = 16;

const wildcards = new Set(["0.0.0.0", "::", "[::]", ""]);

/** True for names that only ever reach this machine: localhost, 127.0.0.0/8, ::1. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  return (
    h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
  );
}

/** "https://Notebook.example.com:443/" → "https://notebook.example.com"; RangeError for anything but an http(s) origin. */
export function normalizeOrigin(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    // reported below
  }
  if (
    !url ||
    (url.protocol !== "http:" && url.protocol !== "https:") ||
    url.username ||
    url.password ||
    url.search ||
    url.hash ||
    (url.pathname !== "/" && url.pathname !== "")
  ) {
    throw new RangeError(`invalid origin: ${JSON.stringify(text)} (expected scheme://host[:port], e.g. https://notebook.example.com)`);
  }
  return url.origin;
}

/** RangeError unless `token` is at least `minTokenLength` printable characters without spaces. */
export function checkToken(token: string): string {
  if (!new RegExp(`^[\\x21-\\x7e]{${minTokenLength},}$`).test(token))
    throw new RangeError(
      `invalid token: expected at least ${minTokenLength} printable characters without spaces (e.g. \`openssl rand -hex 16\`)`,
    );
  return token;
}

/** This machine's interface addresses and hostname, as they appear in a Host header. */
export function machineNames(): string[] {
  const names = [hostname().toLowerCase()];
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) names.push(a.family === "IPv6" ? `[${a.address.replace(/%.*$/, "")}]` : a.address);
  return names;
}

/** The host name in a Host header ("[::1]:8787" → "[::1]"), or null when it is not a plain host[:port]. */
function hostName(header: string | undefined): string | null {
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/i.exec(header ?? "");
  return match ? match[1].toLowerCase() : null;
}

const bracket = (host: string) => (host.includes(":") && !host.startsWith("[") ? `[${host}]` : host).toLowerCase();
const digest = (text: string) => createHash("sha256").update(text).digest();

/** Host/Origin/token checks for one listening address; see the top of this file for the rules. */
export class AccessPolicy {
  private readonly hosts: Set<string>;
  private readonly origins: Set<string>;
  private readonly tokenDigest: Buffer | null;

  constructor(options: AccessOptions) {
    const host = bracket(options.host);
    const machine = options.machineNames ?? (wildcards.has(host) ? machineNames() : []);
    this.hosts = new Set(["localhost", "[::1]", host, ...machine.map(bracket)]);
    this.origins = new Set((options.allowOrigins ?? []).map(normalizeOrigin));
    this.tokenDigest = options.token === undefined ? null : digest(checkToken(options.token));
  }

  /** Whether a request (or upgrade: method GET) is served. A CORS preflight (OPTIONS) never carries the token, and needs none. */
  check(method: string, headers: IncomingHttpHeaders, url: URL): AccessDecision {
    const preflight = method === "OPTIONS";
    const host = hostName(headers.host);
    if (host === null || !(this.hosts.has(host) || isLoopbackHost(host))) {
      return {
        ok: false,
        status: 403,
        error: `host ${JSON.stringify(String(headers.host ?? "").slice(0, 80))} does not name this recorder (use localhost, 127.0.0.1 or the --live-host)`,
      };
    }
    const origin = headers.origin ?? null;
    if (origin !== null && !this.allowsOrigin(origin)) {
      return {
        ok: false,
        status: 403,
        error: `origin ${JSON.stringify(origin.slice(0, 80))} is not allowed (pages on localhost are; start the recorder with --allow-origin ${origin.slice(0, 80)} to allow it)`,
      };
    }
    if (this.tokenDigest && !preflight) {
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? "")?.[1];
      const given = bearer ?? url.searchParams.get("token");
      if (given === null)
        return {ok: false, status: 401, error: "this recorder requires its token: send Authorization: Bearer <token> or ?token=<token>"};
      if (!timingSafeEqual(digest(given), this.tokenDigest)) return {ok: false, status: 401, error: "wrong token"};
    }
    if (method === "POST" || method === "PUT" || method === "PATCH") {
      const type = (headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
      if (type !== "application/json")
        return {
          ok: false,
          status: 415,
          error: `send JSON with content-type: application/json (got ${JSON.stringify(type.slice(0, 60) || "none")})`,
        };
    }
    return {ok: true, origin};
  }

  /** Whether a page of `origin` may use the API: http on localhost, 127.x or [::1] (any port), or an --allow-origin. */
  allowsOrigin(origin: string): boolean {
    if (this.origins.has(origin)) return true;
    const match = /^http:\/\/(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/i.exec(origin);
    return match !== null && isLoopbackHost(match[1]);
  }

  /** CORS headers for an allowed request: the Origin echoed (never `*`), methods and headers a page may use. */
  static corsHeaders(origin: string | null, headers: IncomingHttpHeaders): Record<string, string> {
    if (origin === null) return {};
    return {
      "access-control-allow-origin": origin,
      "access-control-allow-methods": "GET, POST, PATCH, DELETE, OPTIONS",
      "access-control-allow-headers": "content-type, authorization",
      "access-control-max-age": "600",
      // Chrome's Private Network Access: a page allowed with --allow-origin on a public address asks first.
      ...(headers["access-control-request-private-network"] === "true" && {"access-control-allow-private-network": "true"}),
    };
  }
}
