// A second process writing to a lake as the recorder does: `rounds` times, it adds `batch` trades of
// BTCUSDT (ids 1, 2, … on one UTC day) and flushes, so each round publishes a small file and every
// eighth one compacts the partition (deleting the files it merged). Prints "ready" after the first
// round and "done <last id>" at the end.
// Run with `node --import tsx test/lake/publishingChild.ts <lake> <rounds> <batch>`.
import {LakeWriter} from "../../lake/writer.js";

const [lake, rounds, batch] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const midnight = Date.UTC(2026, 10, 21);
const writer = await LakeWriter.open(lake, ["BTCUSDT"], {publishMs: 0});
let id = 0;
for (let round = 0; round < rounds; ++round) {
  for (let k = 0; k < batch; ++k, ++id)
    writer.add("BTCUSDT", {id: id + 1, time: midnight + (id + 1) * 10, price: 100 + (id % 7), qty: 0.5, isBuyerMaker: id % 2 === 0});
  await writer.flush();
  if (round === 0) process.stdout.write("ready\n");
}
await writer.close();
process.stdout.write(`done ${id}\n`);
