// Downloads one archive file over HTTP with retries: 404 means "no file for that day", 429/5xx and
// network errors are retried with capped exponential backoff and jitter, a stalled body is abandoned.
import {createWriteStream} from "node:fs";
import {rename, rm} from "node:fs/promises";
import {Readable, Transform} from "node:stream";
import {pipeline} from "node:stream/promises";
import type {ReadableStream as WebReadableStream} from "node:stream/web";

/** A download that failed for good (after retries, or with a status that retrying cannot fix). */
export class DownloadError extends Error {
  override name = "DownloadError";
  constructor(
    message: string,
    readonly url: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface DownloadOptions {
  fetch?: typeof fetch;
  /** Attempts in all (default 5). */
  attempts?: number;
  /** First backoff in ms, doubled each retry up to 30 s, ± 50 % jitter (default 500). */
  backoffMs?: number;
  /** Abort when no byte arrives for this long, headers included (default 30 s). */
  silenceMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Called before each retry with the reason. */
  onRetry?: (reason: string, attempt: number, delayMs: number) => void;
}

/**
 * Downloads `url` into `dest` (via a temp file, renamed when complete). Resolves "missing" on HTTP 404,
 * "ok" when the file is in place; throws DownloadError after the last attempt.
 */
export async function download(url: string, dest: string, options: DownloadOptions = {}): Promise<"ok" | "missing"> {
  const {
    fetch: fetchImpl = fetch,
    attempts = 5,
    backoffMs = 500,
    silenceMs = 30_000,
    sleep = (ms) => new Promise((r) => setTimeout(r, ms)),
    onRetry,
  } = options;
  for (let attempt = 1; ; ++attempt) {
    let retryAfterMs: number | undefined, reason: string;
    try {
      const result = await attemptDownload(fetchImpl, url, dest, silenceMs);
      if (result === "ok" || result === "missing") return result;
      ({reason, retryAfterMs} = result);
    } catch (error) {
      if (error instanceof DownloadError) throw error;
      const cause = (error as {cause?: {code?: string; message?: string}}).cause;
      reason = cause?.code ?? cause?.message ?? (error as Error).message;
    }
    if (attempt >= attempts) throw new DownloadError(`could not download ${url} after ${attempts} attempts (${reason})`, url);
    const delay = retryAfterMs ?? Math.min(30_000, backoffMs * 2 ** (attempt - 1)) * (0.5 + Math.random());
    onRetry?.(reason, attempt, delay);
    await sleep(delay);
  }
}

async function attemptDownload(
  fetchImpl: typeof fetch,
  url: string,
  dest: string,
  silenceMs: number,
): Promise<"ok" | "missing" | {reason: string; retryAfterMs?: number}> {
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(new Error(`no data for ${silenceMs / 1000} s`)), silenceMs);
  const temp = `${dest}.part`;
  try {
    const response = await fetchImpl(url, {signal: controller.signal});
    if (response.status === 404) {
      await response.body?.cancel();
      return "missing";
    }
    if (response.status === 429 || response.status === 418 || response.status >= 500) {
      await response.body?.cancel();
      const seconds = Number(response.headers.get("retry-after"));
      return {reason: `HTTP ${response.status}`, retryAfterMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined};
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new DownloadError(`${url} answered HTTP ${response.status}`, url, response.status);
    }
    const watchdog = new Transform({
      transform(chunk, _encoding, done) {
        clearTimeout(timer);
        timer = setTimeout(() => controller.abort(new Error(`no data for ${silenceMs / 1000} s`)), silenceMs);
        done(null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), watchdog, createWriteStream(temp));
    await rename(temp, dest);
    return "ok";
  } catch (error) {
    await rm(temp, {force: true});
    if (controller.signal.aborted && !(error instanceof DownloadError))
      return {reason: String((controller.signal.reason as Error)?.message ?? "aborted")};
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
