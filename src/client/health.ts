// The recorder's GET /health (src/protocol/health.ts), fetched and polled while a page is live; its summary
// card is src/components/health.ts.
import type {Health} from "../protocol/health.js";
import {authHeaders, type RecorderEndpoint, recorderEndpoint} from "../protocol/recorderEndpoint.js";

/** An answer of /health (`url`: where, without the token) or why there is none. */
export type HealthState = {ok: true; at: number; url: string; health: Health} | {ok: false; at: number; error: string};

/** Polls the recorder's /health every `everyMs`, yielding each answer or failure, until the page drops the generator. */
export async function* pollHealth(liveUrl: string, everyMs = 5000): AsyncGenerator<HealthState> {
  for (;;) {
    yield await fetchHealth(liveUrl);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** One GET /health of the recorder behind a live-feed URL (recorderEndpoint: its token as a Bearer header). */
export async function fetchHealth(liveUrl: string, fetcher: typeof fetch = (...args) => fetch(...args)): Promise<HealthState> {
  const at = Date.now();
  let endpoint: RecorderEndpoint;
  try {
    endpoint = recorderEndpoint(liveUrl);
  } catch (error) {
    return {ok: false, at, error: (error as Error).message};
  }
  const url = `${endpoint.http}/health`;
  try {
    const response = await fetcher(url, {cache: "no-store", headers: authHeaders(endpoint)});
    if (response.ok) return {ok: true, at, url, health: (await response.json()) as Health};
    const reason = ((await response.json().catch(() => ({}))) as {error?: unknown}).error;
    return {ok: false, at, error: `${url} answered ${response.status}${typeof reason === "string" ? `: ${reason}` : ""}`};
  } catch {
    return {ok: false, at, error: `no recorder at ${url}`};
  }
}
