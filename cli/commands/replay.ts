import {existsSync} from "node:fs";
import {onShutdown} from "../shutdown.js";
import {CliError, intFlag, parseFlags, symbolsFlag, UsageError, type Command} from "../command.js";
import {readCaptures, readLake, ReplaySource, type RecordedTrades, type ReplaySpeed} from "../../simulator/replay/index.js";
import {startSimulator, type Simulator} from "../../simulator/index.js";
import {resolveLeftovers} from "../../lake/leftovers.js";

export const replay: Command = {
  name: "replay",
  summary: "serve recorded trades (lake or raw capture) over Binance's protocol",
  usage: `Usage: pairbook replay --lake DIR --symbols A,B [--from ISO] [--to ISO] [options]
       pairbook replay --capture FILE[,FILE…] [options]

Serves recorded trades on one port exactly as \`pairbook simulate\` serves synthetic ones: WebSocket
trade streams (/ws/<symbol>@trade, /stream?streams=…) and REST (/api/v3/exchangeInfo,
historicalTrades — which holds every replayed trade, so a recorder can backfill — ping, time).

Sources:
  --lake DIR         the lake's published tick files (<DIR>/ticks/symbol=*/date=*/*.parquet);
                     needs --symbols. The lake keeps no event time: E is sent as the trade time T
  --symbols A,B,…    symbols to replay from the lake
  --from ISO         first trade time to replay, e.g. 2026-01-05 or 2026-01-05T12:00Z (inclusive)
  --to ISO           trade time to stop at (exclusive)
  --capture FILES    raw captures, one "<recv_ns> <json>" message a line, gzipped or not (as in
                     ../shared/data/real/hftbacktest-binance-ws/spot/*.gz); only @trade messages are
                     kept, with their exact fields (t, p, q, T, E, m); the files of a symbol must
                     follow each other; symbols are interleaved by receive time

Options:
  --speed S          1 (default) = as recorded, 10 = ten times faster, max = as fast as the slowest
                     subscriber reads
  --host HOST        interface to listen on (default 127.0.0.1)
  --port N           port for WebSocket and REST, 0 = any free port (default 9443)
  --exit-when-done   once every trade is sent, close the connections (after their queued data) and
                     exit 0; by default they stay open, idle but pinged
  -h, --help         show this help

The replay starts when the first client subscribes to a trade stream, so it misses nothing.
Prints "pairbook replay: listening on ws://HOST:PORT (REST http://HOST:PORT)" when ready and
"pairbook replay: done, N trades sent…" when the source is exhausted. Exit codes: 0 done or
stopped by Ctrl-C/SIGTERM, 1 unreadable source or port in use, 2 bad arguments.`,

  async run(argv) {
    const {values} = parseFlags(argv, {
      lake: {type: "string"},
      symbols: {type: "string"},
      from: {type: "string"},
      to: {type: "string"},
      capture: {type: "string"},
      speed: {type: "string"},
      host: {type: "string"},
      port: {type: "string"},
      "exit-when-done": {type: "boolean"},
    });
    if ((values.lake === undefined) === (values.capture === undefined))
      throw new UsageError("give exactly one source: --lake DIR --symbols A,B or --capture FILE[,FILE]");
    if (values.capture !== undefined && (values.symbols ?? values.from ?? values.to) !== undefined)
      throw new UsageError("--symbols, --from and --to go with --lake, not --capture");
    if (values.lake !== undefined && values.symbols === undefined)
      throw new UsageError("--lake needs --symbols, e.g. --symbols BTCUSDT,ETHUSDT");
    const speed = speedFlag(values.speed);
    const host = values.host ?? "127.0.0.1";
    const port = intFlag(values.port, "port", 9443, {min: 0, max: 65535});
    const exitWhenDone = values["exit-when-done"] ?? false;

    let trades: RecordedTrades, origin: string;
    if (values.capture !== undefined) {
      const files = values.capture
        .split(",")
        .map((f) => f.trim())
        .filter((f) => f !== "");
      const missing = files.find((f) => !existsSync(f));
      if (missing !== undefined) throw new CliError(`no such capture file: ${missing}`);
      try {
        const read = await readCaptures(files);
        trades = read.trades;
        origin = `${files.length} capture file${files.length === 1 ? "" : "s"} (${read.summary.lines} lines, ${read.summary.skipped} not trades)`;
      } catch (error) {
        throw new CliError(`cannot read the capture: ${(error as Error).message}`);
      }
    } else {
      const lake = values.lake!;
      if (!existsSync(lake)) throw new CliError(`no lake at ${lake}`);
      const symbols = symbolsFlag(values.symbols, []);
      const from = timeFlag(values.from, "from"),
        to = timeFlag(values.to, "to");
      if (from !== undefined && to !== undefined && !(from < to)) throw new UsageError("--from must be before --to");
      await resolveLeftovers(lake); // a crash mid-compaction: leave other tools' globs nothing to read twice
      trades = await readLake(lake, symbols, {from, to});
      origin = `the lake at ${lake}`;
    }
    if (trades.length === 0) throw new CliError(`nothing to replay: no trades in ${origin}`);
    const invalid = trades.symbols.find((s) => !/^[A-Z0-9]+USDT$/.test(s));
    if (invalid !== undefined) throw new CliError(`cannot replay ${invalid}: the server knows [A-Z0-9]+USDT symbols only`);
    for (const line of describe(trades)) process.stdout.write(`pairbook replay: ${line}\n`);
    process.stdout.write(
      `pairbook replay: ${trades.length} trades from ${origin}, at ${speed === "max" ? "full speed" : `${speed}× speed`}\n`,
    );

    const source = new ReplaySource(trades, {speed});
    let simulator: Simulator | undefined;
    let finished: () => void = () => {};
    const done = new Promise<void>((resolve) => (finished = resolve));
    try {
      simulator = await startSimulator({
        host,
        port,
        source,
        historyCapacity: Math.max(1_000_000, trades.length),
        onExhausted: () => finished(),
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EADDRINUSE")
        throw new CliError(`port ${port} on ${host} is already in use (pick another with --port, or --port 0 for any free port)`);
      throw error;
    }
    const sim = simulator;
    onShutdown(async (reason) => {
      process.stdout.write(`pairbook replay: ${reason}, closing after ${source.position} of ${trades.length} trades\n`);
      await sim.close();
    });
    // Announced only once a signal would be handled: scripts may stop us as soon as they read this line.
    process.stdout.write(`pairbook replay: listening on ${sim.wsUrl} (REST ${sim.restUrl})\n`);
    process.stdout.write("pairbook replay: waiting for a client to subscribe to a trade stream\n");
    await done;
    const sent = Object.values(sim.sent()).reduce((n, s) => n + s.count, 0);
    if (exitWhenDone) {
      process.stdout.write(
        `pairbook replay: done, ${trades.length} trades replayed (${sent} written so far); closing once the connections have drained\n`,
      );
      await sim.close();
      return 0;
    }
    process.stdout.write(`pairbook replay: done, ${trades.length} trades replayed; connections stay open, idle (Ctrl-C to stop)\n`);
    return new Promise<number>(() => {}); // runs until a signal; onShutdown exits the process
  },
};

function speedFlag(value: string | undefined): ReplaySpeed {
  if (value === undefined) return 1;
  if (value === "max") return "max";
  const n = Number(value.replace(/x$/, ""));
  if (value.trim() === "" || !(n > 0) || !Number.isFinite(n))
    throw new UsageError(`invalid --speed: ${JSON.stringify(value)} (expected a positive number such as 1 or 10, or max)`);
  return n;
}

function timeFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  // A bare date or a time without a zone is UTC, as everywhere in the lake.
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : /T[\d:.]+$/.test(value) ? `${value}Z` : value;
  const ms = Date.parse(text);
  if (!Number.isFinite(ms))
    throw new UsageError(
      `invalid --${name}: ${JSON.stringify(value)} (expected an ISO date or time such as 2026-01-05 or 2026-01-05T12:00:00Z)`,
    );
  return ms;
}

/** Per symbol: how many trades, which ids, which times. */
function describe(trades: RecordedTrades): string[] {
  return trades.symbols.map((symbol, k) => {
    let n = 0,
      first = NaN,
      last = NaN,
      firstTime = NaN,
      lastTime = NaN;
    for (let i = 0; i < trades.length; ++i) {
      if (trades.symbol[i] !== k) continue;
      if (n++ === 0) ((first = trades.id[i]), (firstTime = trades.time[i]));
      ((last = trades.id[i]), (lastTime = trades.time[i]));
    }
    return n === 0
      ? `${symbol}: no trades`
      : `${symbol}: ${n} trades, ids ${first}..${last}, ${new Date(firstTime).toISOString()} → ${new Date(lastTime).toISOString()}`;
  });
}
