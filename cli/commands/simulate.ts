import {onShutdown} from "../shutdown.js";
import {parseHistoryDuration} from "../../recorder/history/historyWindow.js";
import {CliError, intFlag, numberFlag, parseFlags, symbolsFlag, UsageError, type Command} from "../command.js";
import {defaultSymbols, parseFaults, startSimulator, type FaultRates, type Simulator} from "../../simulator/index.js";

const statusEveryMs = 10_000;

export const simulate: Command = {
  name: "simulate",
  summary: "a local Binance-compatible server with synthetic cointegrated trades",
  usage: `Usage: pairbook simulate [options]

Serves Binance's spot market-data protocol on one port: WebSocket trade streams
(/ws/<symbol>@trade, /stream?streams=…) and REST (/api/v3/exchangeInfo, historicalTrades,
ping, time), fed by synthetic trades whose log prices are cointegrated in pairs. Beside it, on the
same port, Binance USD-M futures: perpetuals of the same symbols that follow their spot prices,
aggregate trades and mark prices on fstream's /market route (/market/ws/<symbol>@aggTrade,
/market/stream?streams=<symbol>@aggTrade/<symbol>@markPrice@1s), a funding every 8 h of market
time, and REST /fapi/v1/exchangeInfo, aggTrades, fundingRate, premiumIndex, fundingInfo.

Options:
  --host HOST        interface to listen on (default 127.0.0.1)
  --port N           port for WebSocket and REST, 0 = any free port (default 9443)
  --symbols A,B,…    [A-Z0-9]+USDT symbols (default ${defaultSymbols.join(",")})
  --rate R           mean trades per second per symbol, at most 500 (default 15)
  --fast             benchmark mode: --rate up to 1000000 per symbol; ids then advance 1000 per
                     wall-clock ms (instead of 1) so restarts still never reuse one, but they are far
                     above a normal run's ids: never record fast and normal runs into one lake
  --usdm-symbols A,B,…   USD-M perpetuals to trade (default: the --symbols); "none" for spot only
  --usdm-rate R      mean aggregate trades per second per perpetual, at most 500 (default 15)
  --funding-interval-ms N   market ms between fundings (default 28800000, 8 h); smaller compresses
                     funding time for tests
  --history DURATION a past of DURATION (90m, 6h, 30h, 7d; default none), spot and perpetuals:
                     historicalTrades and /fapi/v1/aggTrades serve it, and /data/spot/daily/trades/…
                     and /data/futures/um/daily/aggTrades/… each whole UTC day before today, in
                     data.binance.vision's layout (record --history --archive-url http://HOST:PORT)
  --seed N           seed of the price, arrival and random-fault generators (default 1)
  --faults LIST      random faults, comma-separated KIND[=RATE] (RATE in events per second, default
                     1/60; for throttle the share of historicalTrades requests refused, default 0.01):
                       disconnect  drop every connection's TCP socket, no close frame
                       stall       connections stay open but silent (no data, pings, pongs) for --stall-ms
                       gap         the next --fault-size trades of a symbol are not streamed (REST has them)
                       hole        the next --fault-size trades of a symbol never exist (REST neither)
                       duplicate   the last --fault-size streamed trades of a symbol are sent again
                       malformed   one garbage message (bad JSON, unknown event, wrong symbol, zero or
                                   negative price/qty, absurd time, binary frame)
                       rotate      close every connection with 1000, as at Binance's 24 h limit
                       shutdown    serverShutdown event, then close (1001) after --shutdown-grace-ms
                       throttle    historicalTrades answers 429 with Retry-After: 1
                     e.g. --faults disconnect=0.01,gap=0.02,malformed
                     Each kind strikes spot and USD-M independently (USD-M's throttle: aggTrades).
  --stall-ms N       how long a stall lasts (default 5000)
  --fault-size N     trades per gap, hole or duplicate (default 5)
  --shutdown-grace-ms N   delay between serverShutdown and the close (default 1000)
  --max-connection-age-ms N   close connections older than this with 1000, like Binance's 24 h
                     limit (default: never)
  -h, --help         show this help

Prints "pairbook simulate: USD-M … --usdm-ws-url ws://HOST:PORT --usdm-rest-url http://HOST:PORT" and
then "pairbook simulate: listening on ws://HOST:PORT (REST http://HOST:PORT)" when ready, a status
line every 10 s (with faults injected so far), one line per injected fault, and on Ctrl-C (SIGINT) or
SIGTERM the trade id ranges sent per symbol.`,

  async run(argv) {
    const {values} = parseFlags(argv, {
      host: {type: "string"},
      port: {type: "string"},
      symbols: {type: "string"},
      rate: {type: "string"},
      fast: {type: "boolean"},
      seed: {type: "string"},
      faults: {type: "string"},
      "stall-ms": {type: "string"},
      "fault-size": {type: "string"},
      "shutdown-grace-ms": {type: "string"},
      "max-connection-age-ms": {type: "string"},
      "usdm-symbols": {type: "string"},
      "usdm-rate": {type: "string"},
      "funding-interval-ms": {type: "string"},
      history: {type: "string"},
    });
    const host = values.host ?? "127.0.0.1";
    const port = intFlag(values.port, "port", 9443, {min: 0, max: 65535});
    const symbols = symbolsFlag(values.symbols, defaultSymbols);
    // Ids advance 1000 (fast: 1 000 000) per wall-clock second across runs; staying below keeps restarts from reusing ids.
    const fast = values.fast ?? false;
    const rate = numberFlag(values.rate, "rate", 15, {min: 0.001, max: fast ? 1_000_000 : 500});
    const seed = intFlag(values.seed, "seed", 1);
    let pastMs: number;
    try {
      pastMs = values.history === undefined ? 0 : parseHistoryDuration(values.history);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    let faults: FaultRates | undefined;
    try {
      faults = values.faults === undefined ? undefined : parseFaults(values.faults);
    } catch (error) {
      throw new UsageError(`invalid --faults: ${(error as Error).message}`);
    }
    const stallMs = intFlag(values["stall-ms"], "stall-ms", 5000, {min: 1});
    const faultSize = intFlag(values["fault-size"], "fault-size", 5, {min: 1});
    const shutdownGraceMs = intFlag(values["shutdown-grace-ms"], "shutdown-grace-ms", 1000, {min: 0});
    const maxConnectionAgeMs = intFlag(values["max-connection-age-ms"], "max-connection-age-ms", 0, {min: 1}) || Infinity;
    const usdmSymbols = values["usdm-symbols"] === "none" ? [] : symbolsFlag(values["usdm-symbols"], symbols);
    const usdmRate = numberFlag(values["usdm-rate"], "usdm-rate", 15, {min: 0.001, max: 500});
    const fundingIntervalMs = intFlag(values["funding-interval-ms"], "funding-interval-ms", 8 * 3_600_000, {min: 1});
    const invalid = [...symbols, ...usdmSymbols].find((s) => !/^[A-Z0-9]+USDT$/.test(s));
    if (invalid !== undefined)
      throw new UsageError(
        `unsupported symbol ${invalid} in --symbols or --usdm-symbols (the simulator makes up [A-Z0-9]+USDT symbols only)`,
      );

    let simulator: Simulator;
    try {
      simulator = await startSimulator({
        host,
        port,
        symbols,
        rate,
        seed,
        fast,
        faults,
        maxConnectionAgeMs,
        pastMs,
        // Trades kept per instrument: the past of the faster market (spot or perpetual) plus room for the live run.
        historyCapacity: Math.max(
          1_000_000,
          Math.ceil((Math.max(rate, usdmSymbols.length > 0 ? usdmRate : 0) * pastMs) / 1000) + 1_000_000,
        ),
        usdm: usdmSymbols.length === 0 ? false : {symbols: usdmSymbols, rate: usdmRate, fundingIntervalMs},
        faultDefaults: {
          stall: {ms: stallMs},
          gap: {count: faultSize},
          hole: {count: faultSize},
          duplicate: {count: faultSize},
          shutdown: {graceMs: shutdownGraceMs},
        },
      });
    } catch (error) {
      throw listenError(error, host, port);
    }
    let last = {at: performance.now(), generated: 0};
    let logged = 0,
      usdmLogged = 0;
    const faultLines = setInterval(() => {
      const log = simulator.faultLog();
      for (; logged < log.length; ++logged) process.stdout.write(`pairbook simulate: fault ${describeFault(log[logged])}\n`);
      const usdmLog = simulator.usdm?.faultLog() ?? [];
      for (; usdmLogged < usdmLog.length; ++usdmLogged)
        process.stdout.write(`pairbook simulate: fault usdm ${describeFault(usdmLog[usdmLogged])}\n`);
    }, 1000);
    const status = setInterval(() => {
      const {generated, clients} = simulator.stats();
      const at = performance.now();
      const perSecond = ((generated - last.generated) * 1000) / (at - last.at);
      last = {at, generated};
      process.stdout.write(
        `pairbook simulate: ${perSecond.toFixed(1)} trades/s, ${clients} client${clients === 1 ? "" : "s"}, ${generated} trades generated, ${simulator.faultLog().length} faults\n`,
      );
    }, statusEveryMs);

    onShutdown(async (reason) => {
      clearInterval(status);
      clearInterval(faultLines);
      process.stdout.write(`pairbook simulate: ${reason}, closing\n`);
      await simulator.close();
      const sent = simulator.sent();
      for (const symbol of symbols) {
        const range = sent[symbol];
        process.stdout.write(
          range ? `${symbol} ids ${range.first}..${range.last} (${range.count} trades)\n` : `${symbol} no trades sent\n`,
        );
      }
      const usdmSent = simulator.usdm?.sent() ?? {};
      for (const symbol of usdmSymbols) {
        const range = usdmSent[symbol];
        process.stdout.write(
          range ? `usdm:${symbol} aggregate ids ${range.first}..${range.last} (${range.count})\n` : `usdm:${symbol} no trades sent\n`,
        );
      }
    });
    if (simulator.usdm)
      process.stdout.write(
        `pairbook simulate: USD-M (${usdmSymbols.join(",")}) on the same port: --usdm-ws-url ${simulator.usdm.wsUrl} --usdm-rest-url ${simulator.usdm.restUrl}\n`,
      );
    // Announced only once a signal would be handled: scripts may stop us as soon as they read this line.
    process.stdout.write(`pairbook simulate: listening on ${simulator.wsUrl} (REST ${simulator.restUrl})\n`);
    return new Promise<number>(() => {}); // runs until a signal; onShutdown exits the process
  },
};

/** One line per fault: its kind and what it touched (ids of gaps and holes as known when printed). */
function describeFault(record: ReturnType<Simulator["faultLog"]>[number]): string {
  const {kind, at, ...rest} = record;
  return `${kind} at ${new Date(at).toISOString()} ${JSON.stringify(rest, (key, value: unknown) => (key === "messages" ? undefined : value))}`;
}

function listenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE")
    return new CliError(`port ${port} on ${host} is already in use (pick another with --port, or --port 0 for any free port)`);
  if (code === "EACCES") return new CliError(`not allowed to listen on ${host}:${port} (ports below 1024 need privileges)`);
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") return new CliError(`cannot listen on ${host}: no such local address`);
  return error;
}
