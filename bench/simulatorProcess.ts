// The fast simulator for bench/record.ts, as its own process, with a slow-reader limit high enough
// that a recorder pausing for a publish or a GC is not dropped: the benchmark measures how much the
// recorder can ingest, not how fast a real exchange would give up on it.
// Usage: tsx bench/simulatorProcess.ts <rate per symbol> <symbols> [<USD-M rate per perpetual> <perpetuals>]
import {startSimulator} from "../simulator/index.js";

const [rate = "100000", symbols = "BTCUSDT,ETHUSDT", usdmRate = "0", perpetuals = ""] = process.argv.slice(2);
const simulator = await startSimulator({
  port: 0,
  symbols: symbols.split(","),
  rate: Number(rate),
  fast: true,
  maxBufferedBytes: 2 ** 31,
  usdm: perpetuals === "" ? false : {symbols: perpetuals.split(","), rate: Number(usdmRate)},
});
process.stdout.write(`pairbook simulate: listening on ${simulator.wsUrl} (REST ${simulator.restUrl})\n`);
// Trades generated so far (spot and USD-M), every second: what was offered, beside what the recorder received.
const generated = () => simulator.stats().generated + (simulator.usdm?.stats().generated ?? 0);
setInterval(() => process.stdout.write(`generated ${generated()}\n`), 1000).unref();
// Exits within 2 s of SIGTERM even while a backlog drains, so that a --cpu-prof profile gets written.
process.on("SIGTERM", () => {
  setTimeout(() => process.exit(0), 2000).unref();
  void simulator.close().then(() => process.exit(0));
});
