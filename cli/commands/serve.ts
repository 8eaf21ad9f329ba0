import {stat} from "node:fs/promises";
import {resolve} from "node:path";
import {checkLakeReadable} from "../../lake/access.js";
import {AccessPolicy, isLoopbackHost} from "../../recorder/access.js";
import {defaultLiveUrl} from "../../serve/liveChannel.js";
import {startServer} from "../../serve/server.js";
import {recorderEndpoint} from "../../src/protocol/recorderEndpoint.js";
import {CliError, type Command, intFlag, parseFlags, UsageError} from "../command.js";
import {lakeCliError} from "../lakeErrors.js";
import {onShutdown} from "../shutdown.js";

const usage = `Usage: pairbook serve [--lake ./data] [--site DIR] [--host 127.0.0.1] [--port 8788] [--token T]
                     [--live ws://127.0.0.1:8787]

Serves a read-only HTTP API over the lake (DuckDB reads it; src/lib computes, as the pages and
\`pairbook analyze\` do) and, with --site, the built notebook (npm run build writes dist/):
  GET /api/v1/symbols                        what the lake holds: coverage, gaps
  GET /api/v1/bars?symbol&interval&from&to&format=json|csv|arrow|parquet
  GET /api/v1/pairs/{a}/{b}/report?interval&lookback&window&method&entry&exit&stop&fees&lag
                                             the same JSON as pairbook analyze --json
  GET /api/v1/tests/adf|coint|johansen?…     a symbol, a pair's spread, or 2–6 symbols
  GET /api/v1/correlation?symbols&interval&lookback
  GET /api/v1/openapi.json                   every parameter, with its default
  WebSocket /api/v1/live                     per-bar analytics of a pair, pushed as the recorder's live
                                             feed brings bars: send {"type":"subscribe","a":"BTCUSDT",
                                             "b":"ETHUSDT", …the report's parameters}; get a snapshot seeded
                                             from the lake, then rows (time, a, b, beta, spread, z, position,
                                             signal); {"type":"unsubscribe","id":…}. Bad parameters: one
                                             {"type":"error","parameter":…}, the socket stays open.
from/to take ISO-8601 UTC or epoch ms; lookback (e.g. 6h, 2d) counts back from the latest stored trade.

  --lake DIR     the lake (default ./data)
  --site DIR     a built notebook to serve at / (e.g. dist)
  --host H       address to listen on (default 127.0.0.1); anything but loopback needs --token
  --port N       port (default 8788; 0 picks a free one)
  --token T      required on every request: Authorization: Bearer T, or ?token=T (16+ characters)
  --allow-origin O[,O…]  web origins besides pages on localhost that may call the API
  --live URL     the recorder's live feed for /api/v1/live (default ws://127.0.0.1:8787, pairbook record's;
                 add ?token=T for a recorder with --token). Not running: the channel says so in a status
                 message and reconnects with backoff; rows stay as seeded from the lake meanwhile

Requests are checked as the recorder's API checks them: Host must name this machine, Origin (when
sent) must be a page on localhost or an --allow-origin, and the token when one is set.

Exit codes: 0 stopped by a signal; 1 cannot listen; 2 bad option; 7 no lake there, or unreadable.`;

export const serve: Command = {
  name: "serve",
  summary: "a read-only HTTP API over the lake (bars, pair reports, tests) and the built notebook",
  usage,
  async run(argv) {
    const {values: f} = parseFlags(argv, {
      lake: {type: "string"},
      site: {type: "string"},
      host: {type: "string"},
      port: {type: "string"},
      token: {type: "string"},
      "allow-origin": {type: "string"},
      live: {type: "string"},
    });
    const host = f.host ?? "127.0.0.1";
    const port = intFlag(f.port, "port", 8788, {min: 0, max: 65535});
    if (!isLoopbackHost(host) && f.token === undefined)
      throw new UsageError(`--host ${host} is reachable from other machines: give --token (e.g. --token $(openssl rand -hex 16))`);
    let gate: AccessPolicy;
    try {
      const allowOrigins = f["allow-origin"]
        ?.split(",")
        .map((o) => o.trim())
        .filter((o) => o !== "");
      gate = new AccessPolicy({host, token: f.token, allowOrigins});
    } catch (error) {
      if (error instanceof RangeError) throw new UsageError(error.message);
      throw error;
    }
    const liveUrl = f.live ?? defaultLiveUrl;
    try {
      recorderEndpoint(liveUrl);
    } catch (error) {
      throw new UsageError(`--live: ${(error as Error).message}`);
    }
    const lake = resolve(f.lake ?? "data");
    try {
      await checkLakeReadable(lake);
    } catch (error) {
      throw lakeCliError(error) ?? error;
    }
    const site = f.site === undefined ? undefined : resolve(f.site);
    if (site !== undefined && !(await stat(site).catch(() => null))?.isDirectory())
      throw new UsageError(`--site ${f.site}: no such folder (npm run build writes dist/)`);
    let server;
    try {
      server = await startServer({lake, site, host, port, gate, liveUrl, log: (line) => process.stderr.write(`${line}\n`)});
    } catch (error) {
      throw listenError(error, host, port);
    }
    onShutdown(async () => server.close());
    process.stdout.write(
      `pairbook serve: ${server.url}${site ? "" : "api/v1/openapi.json"} (lake ${lake}${site ? `, site ${site}` : ""})\n`,
    );
    return new Promise<number>(() => {}); // runs until a signal; onShutdown exits the process
  },
};

function listenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE")
    return new CliError(`port ${port} on ${host} is already in use (pick another with --port, or --port 0 for any free port)`);
  if (code === "EACCES") return new CliError(`not allowed to listen on ${host}:${port} (ports below 1024 need privileges)`);
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") return new CliError(`cannot listen on ${host}: no such local address`);
  return error;
}
