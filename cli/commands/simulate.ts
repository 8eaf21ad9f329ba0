import {onShutdown} from "../shutdown.js";
import {CliError, intFlag, numberFlag, parseFlags, symbolsFlag, UsageError, type Command} from "../command.js";
import {defaultSymbols, startSimulator, type Simulator} from "../../recorder/simulator/index.js";

const statusEveryMs = 10_000;

export const simulate: Command = {
  name: "simulate",
  summary: "a local Binance-compatible server with synthetic cointegrated trades",
  usage: `Usage: pairbook simulate [options]

Serves Binance's spot market-data protocol on one port: WebSocket trade streams
(/ws/<symbol>@trade, /stream?streams=…) and REST (/api/v3/exchangeInfo, historicalTrades,
ping, time), fed by synthetic trades whose log prices are cointegrated in pairs.

Options:
  --host HOST        interface to listen on (default 127.0.0.1)
  --port N           port for WebSocket and REST, 0 = any free port (default 9443)
  --symbols A,B,…    [A-Z0-9]+USDT symbols (default ${defaultSymbols.join(",")})
  --rate R           mean trades per second per symbol, at most 500 (default 15)
  --seed N           seed of the price and arrival generator (default 1)
  -h, --help         show this help

Prints "pairbook simulate: listening on ws://HOST:PORT (REST http://HOST:PORT)" when ready, a status
line every 10 s, and on Ctrl-C (SIGINT) or SIGTERM the trade id ranges sent per symbol.`,

  async run(argv) {
    const {values} = parseFlags(argv, {
      host: {type: "string"},
      port: {type: "string"},
      symbols: {type: "string"},
      rate: {type: "string"},
      seed: {type: "string"}
    });
    const host = values.host ?? "127.0.0.1";
    const port = intFlag(values.port, "port", 9443, {min: 0, max: 65535});
    const symbols = symbolsFlag(values.symbols, defaultSymbols);
    // Ids advance 1000 per wall-clock second across runs; staying well below keeps restarts from reusing ids.
    const rate = numberFlag(values.rate, "rate", 15, {min: 0.001, max: 500});
    const seed = intFlag(values.seed, "seed", 1);
    const invalid = symbols.find((s) => !/^[A-Z0-9]+USDT$/.test(s));
    if (invalid !== undefined) throw new UsageError(`unsupported symbol ${invalid} in --symbols (the simulator makes up [A-Z0-9]+USDT symbols only)`);

    let simulator: Simulator;
    try {
      simulator = await startSimulator({host, port, symbols, rate, seed});
    } catch (error) {
      throw listenError(error, host, port);
    }
    process.stdout.write(`pairbook simulate: listening on ${simulator.wsUrl} (REST ${simulator.restUrl})\n`);

    let last = {at: performance.now(), generated: 0};
    const status = setInterval(() => {
      const {generated, clients} = simulator.stats();
      const at = performance.now();
      const perSecond = ((generated - last.generated) * 1000) / (at - last.at);
      last = {at, generated};
      process.stdout.write(`pairbook simulate: ${perSecond.toFixed(1)} trades/s, ${clients} client${clients === 1 ? "" : "s"}, ${generated} trades generated\n`);
    }, statusEveryMs);

    onShutdown(async (reason) => {
      clearInterval(status);
      process.stdout.write(`pairbook simulate: ${reason}, closing\n`);
      await simulator.close();
      const sent = simulator.sent();
      for (const symbol of symbols) {
        const range = sent[symbol];
        process.stdout.write(range ? `${symbol} ids ${range.first}..${range.last} (${range.count} trades)\n` : `${symbol} no trades sent\n`);
      }
    });
    return new Promise<number>(() => {}); // runs until a signal; onShutdown exits the process
  }
};

function listenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE") return new CliError(`port ${port} on ${host} is already in use (pick another with --port, or --port 0 for any free port)`);
  if (code === "EACCES") return new CliError(`not allowed to listen on ${host}:${port} (ports below 1024 need privileges)`);
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") return new CliError(`cannot listen on ${host}: no such local address`);
  return error;
}
