// Writes a deterministic lake for the build and browser tests: `minutes` of simulated trades for the
// given symbols (same seed, same fixed start time every run), through the real LakeWriter.
// Usage: tsx scripts/make-test-lake.ts [lake=test/.lake] [minutes=45]
import {rm} from "node:fs/promises";
import {LakeWriter} from "../lake/writer.js";
import {unitsPerWhole} from "../recorder/simulator/decimal.js";
import {Market} from "../recorder/simulator/market.js";

const [lake = "test/.lake", minutes = "45"] = process.argv.slice(2);
const symbols = ["BTCUSDT", "ETHUSDT"];
const startMs = Date.UTC(2026, 10, 20, 12, 0, 0);

await rm(lake, {recursive: true, force: true});
const writer = await LakeWriter.open(lake, symbols);
const market = new Market({symbols, startMs, seed: 42, rate: 5});
let trades = 0;
for (let t = startMs; t < startMs + Number(minutes) * 60_000; t += 60_000) {
  const batch = market.advanceTo(t + 60_000);
  for (let i = 0; i < batch.length; ++i) {
    const symbol = market.instruments[batch.symbol[i]].symbol;
    writer.add(symbol, {id: batch.id[i], time: batch.time[i], price: batch.price[i] / unitsPerWhole, qty: batch.qty[i] / unitsPerWhole, isBuyerMaker: batch.isBuyerMaker[i] === 1});
    trades++;
  }
}
await writer.close();
console.log(`make-test-lake: ${trades} trades of ${symbols.join(", ")} over ${minutes} min in ${lake}`);
