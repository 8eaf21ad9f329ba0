// Where a page reaches the recorder. A page is given one live-feed URL (the build's PAIRBOOK_LIVE_URL
// or ?live=ws://host:port/?token=…); every browser client (and the overview loader, for the health
// URL) derives what it needs from it here: the WebSocket URL (the token stays in its query: a browser
// cannot set headers on a WebSocket), the HTTP API's base (/health, /alerts) with the token sent as
// `Authorization: Bearer`, never in the URL, and the URL as a page may show it, the token redacted.

export interface RecorderEndpoint {
  /** The live-feed URL as given (ws: or wss:, with its ?token= if any). */
  readonly ws: string;
  /** http(s)://host:port of the recorder's HTTP API: ws → http, wss → https; no path, no query. */
  readonly http: string;
  /** The token of the URL's ?token=, or null (none, or empty). */
  readonly token: string | null;
  /** The live-feed URL for status lines: the token replaced by "…". */
  readonly shown: string;
}

/** `text` with the value of every token= parameter replaced by "…" (any text: a URL, an error message). */
export function redactToken(text: string): string {
  return text.replace(/([?&]token=)[^&#\s]*/gi, "$1…");
}

/**
 * The recorder behind a live-feed URL; RangeError unless it is a ws:, wss:, http: or https: URL.
 * O(length of the URL).
 *
 *   recorderEndpoint("ws://127.0.0.1:8787/?token=abc").http // "http://127.0.0.1:8787"
 */
export function recorderEndpoint(liveUrl: string): RecorderEndpoint {
  let url: URL | undefined;
  try {
    url = new URL(liveUrl);
  } catch {
    // reported below
  }
  if (!url || !["ws:", "wss:", "http:", "https:"].includes(url.protocol)) {
    throw new RangeError(
      `invalid live-feed URL: ${JSON.stringify(redactToken(liveUrl).slice(0, 120))} (expected a ws: URL such as ws://127.0.0.1:8787, optionally with ?token=…)`,
    );
  }
  const secure = url.protocol === "wss:" || url.protocol === "https:";
  return {
    ws: liveUrl,
    http: `${secure ? "https:" : "http:"}//${url.host}`,
    token: url.searchParams.get("token") || null,
    shown: redactToken(liveUrl),
  };
}

/** Headers that carry the endpoint's token on a fetch (none without a token: no CORS preflight then). */
export function authHeaders(endpoint: Pick<RecorderEndpoint, "token">): Record<string, string> {
  return endpoint.token === null ? {} : {authorization: `Bearer ${endpoint.token}`};
}
