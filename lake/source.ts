// Simulated and real trades never share a lake: `<lake>/source.json` names where its trades came from,
// written by the first `pairbook record` or `pairbook import`, and every later writer must match it.
// Sources: "simulator" (stream and REST on this machine's loopback: `pairbook simulate`, `replay`, the
// demo, the tests; any port counts as the same source), "binance" (Binance's public spot and USD-M
// hosts, and its public archives; lakes written before perpetuals say "binance-spot", the same source),
// or the REST host of any other exchange endpoint ("api.binance.us").
import {readFile, rename, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {lakeAccess} from "./access.js";
import {sourcePath, tempName} from "./layout.js";

export interface LakeSource {
  /** What is compared: "simulator", "binance" (older lakes: "binance-spot") or an exchange's REST host. */
  readonly source: string;
  /** For people: the endpoints of the first run, the command and when. */
  readonly wsUrl?: string;
  readonly restUrl?: string;
  readonly by?: string;
  readonly since?: string;
}

/** A writer's source does not match the lake's. */
export class LakeSourceError extends Error {
  override name = "LakeSourceError";
}

/** Binance's public market-data hosts: spot and USD-M futures, one exchange and one source. */
const binanceHosts = new Set([
  "stream.binance.com",
  "data-stream.binance.vision",
  "api.binance.com",
  "api1.binance.com",
  "api2.binance.com",
  "api3.binance.com",
  "api4.binance.com",
  "api-gcp.binance.com",
  "data-api.binance.vision",
  "fstream.binance.com",
  "fapi.binance.com",
]);

/** The source's name as compared: "binance-spot", from lakes written before perpetuals, is "binance". */
const canonical = (source: string) => (source === "binance-spot" ? "binance" : source);

/** Public archives of data.binance.vision, as `pairbook import` reads them. */
export const archiveSource: LakeSource = {source: "binance", by: "pairbook import"};

/**
 * The source of a recording from `wsUrl` and `restUrl`; throws LakeSourceError when one is on this
 * machine and the other is not (a lake records one source).
 *
 *   recordingSource("ws://127.0.0.1:9443", "http://127.0.0.1:9443").source // "simulator"
 */
export function recordingSource(wsUrl: string, restUrl: string): LakeSource {
  const [ws, rest] = [wsUrl, restUrl].map(hostOf);
  if (isLoopback(ws) !== isLoopback(rest)) {
    throw new LakeSourceError(
      `--ws-url ${wsUrl} and --rest-url ${restUrl} are not the same source (one is on this machine, the other is not)`,
    );
  }
  const source = isLoopback(rest) ? "simulator" : binanceHosts.has(rest) ? "binance" : rest;
  return {source, wsUrl, restUrl};
}

/** Reads `<lake>/source.json`, or null when the lake has none (new, or recorded before sources were kept). */
export async function readLakeSource(lake: string): Promise<LakeSource | null> {
  let text: string;
  try {
    text = await readFile(sourcePath(lake), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new LakeSourceError(`${sourcePath(lake)} is not valid JSON; it should name the lake's source, e.g. {"source": "simulator"}`);
  }
  if (typeof value !== "object" || value === null || typeof (value as LakeSource).source !== "string") {
    throw new LakeSourceError(`${sourcePath(lake)} names no source; expected e.g. {"source": "binance"}`);
  }
  return value as LakeSource;
}

/**
 * Throws LakeSourceError when the lake holds trades of a source other than `source`; returns the
 * lake's source (null when it has none yet). Call with the lake's lock held.
 */
export async function checkLakeSource(lake: string, source: LakeSource, what: string): Promise<LakeSource | null> {
  const stored = await lakeAccess(lake, "read", () => readLakeSource(lake));
  if (stored && canonical(stored.source) !== canonical(source.source)) {
    throw new LakeSourceError(
      `the lake at ${lake} holds ${describeSource(stored.source)} trades; refusing to ${what} ${describeSource(source.source)} trades into it ` +
        `(simulated and real trades never share a lake: use another --lake; the demo's is ./data-demo)`,
    );
  }
  return stored;
}

/** Writes `<lake>/source.json` (atomically) unless the lake already names a source. Call with the lock held. */
export async function rememberLakeSource(lake: string, source: LakeSource, by: string): Promise<void> {
  if (await lakeAccess(lake, "read", () => readLakeSource(lake))) return;
  const temp = join(lake, tempName(`source.json.${process.pid}`));
  await lakeAccess(lake, "write", async () => {
    await writeFile(temp, JSON.stringify({...source, by, since: new Date().toISOString()}, null, 2) + "\n", {flush: true});
    await rename(temp, sourcePath(lake));
  });
}

/** "simulator" → "simulated", "binance" (or "binance-spot") → "Binance", a host → "api.binance.us". */
export function describeSource(source: string): string {
  return source === "simulator" ? "simulated" : canonical(source) === "binance" ? "Binance" : source;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, "");
  } catch {
    return url;
  }
}

/** localhost, *.localhost, 127.0.0.0/8, ::1 (also as ::ffff:127.x.x.x). */
export function isLoopback(host: string): boolean {
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host === "::1" ||
    /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(host) ||
    /^::ffff:7f/.test(host)
  );
}
