// Trades per second that `pairbook simulate --fast` delivers to one plain `ws` client on this machine.
// The simulator runs as its own process (as the recorder benchmark will use it); this process only
// reads the combined stream, counts messages and checks that every symbol's ids arrive +1 each.
//
//   npx tsx bench/simulator.ts [--rate 100000] [--symbols BTCUSDT,ETHUSDT] [--seconds 10]
// --rate is per symbol. Past what the machine can carry the client falls behind, the simulator
// drops it as Binance drops slow readers, and the bench says so.
import {spawn} from "node:child_process";
import {readFileSync} from "node:fs";
import {once} from "node:events";
import {fileURLToPath} from "node:url";
import {parseArgs} from "node:util";
import WebSocket from "ws";

const {values} = parseArgs({
  options: {
    rate: {type: "string", default: "100000"},
    symbols: {type: "string", default: "BTCUSDT,ETHUSDT"},
    seconds: {type: "string", default: "10"},
  },
});
const symbols = values.symbols.split(",");
const seconds = Number(values.seconds),
  warmupMs = 1000;

const cli = fileURLToPath(new URL("../cli/pairbook.js", import.meta.url));
const child = spawn(process.execPath, [cli, "simulate", "--fast", "--port", "0", "--rate", values.rate, "--symbols", symbols.join(",")], {
  stdio: ["ignore", "pipe", "inherit"],
});
let stdout = "";
child.stdout.setEncoding("utf8");
const wsUrl = await new Promise<string>((resolve, reject) => {
  child.stdout.on("data", (chunk: string) => {
    stdout += chunk;
    const match = /listening on (ws:\/\/\S+)/.exec(stdout);
    if (match) resolve(match[1]);
  });
  child.once("exit", (code) => reject(new Error(`simulator exited (${code}) before listening: ${stdout}`)));
});

const ws = new WebSocket(`${wsUrl}/stream?streams=${symbols.map((s) => `${s.toLowerCase()}@trade`).join("/")}`);
ws.on("error", (error) => console.error(`client error: ${error.message}`));
await once(ws, "open");
let messages = 0,
  bytes = 0,
  outOfOrder = 0;
const lastId = new Map<string, number>();
ws.on("message", (data: Buffer) => {
  ++messages;
  bytes += data.length;
  // Cheap field extraction instead of JSON.parse, so the client is not what is measured.
  const text = data.toString("latin1");
  const s = text.indexOf('"s":"'),
    t = text.indexOf('"t":');
  const symbol = text.slice(s + 5, text.indexOf('"', s + 5));
  const id = parseInt(text.slice(t + 4, text.indexOf(",", t)), 10);
  const last = lastId.get(symbol);
  if (last !== undefined && id !== last + 1) ++outOfOrder;
  lastId.set(symbol, id);
});
const closed = once(ws, "close").then(([code]) => code as number);

await new Promise((resolve) => setTimeout(resolve, warmupMs));
const start = {at: performance.now(), messages, bytes};
const cpuStart = process.cpuUsage();
const serverCpuStart = serverCpuSeconds();
const perSecond: number[] = [];
for (let s = 0; s < seconds; ++s) {
  const before = messages;
  const result = await Promise.race([new Promise<"tick">((resolve) => setTimeout(resolve, 1000, "tick")), closed]);
  if (result !== "tick") {
    child.kill("SIGINT");
    await once(child, "exit");
    console.error(`the simulator closed the connection (code ${result}) after ${s} s: the client fell too far behind; try a lower --rate`);
    process.exit(1);
  }
  perSecond.push(messages - before);
}
const elapsed = (performance.now() - start.at) / 1000;
const received = messages - start.messages;
const cpu = process.cpuUsage(cpuStart);
const serverCpu = serverCpuSeconds() - serverCpuStart;
ws.terminate();
child.kill("SIGINT");
await once(child, "exit");

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
console.log(
  `simulator → one ws client, ${symbols.length} symbols × ${fmt(Number(values.rate))} trades/s offered, ${seconds} s after ${warmupMs / 1000} s warm-up`,
);
console.log(
  `  received ${fmt(received / elapsed)} trades/s (${(messages - start.messages ? (bytes - start.bytes) / elapsed / 1e6 : 0).toFixed(1)} MB/s); per second: ${perSecond.map(fmt).join(", ")}`,
);
console.log(
  `  id continuity: ${outOfOrder === 0 ? "every id +1" : `${outOfOrder} jumps`}; CPU: client ${((cpu.user + cpu.system) / 1e4 / elapsed).toFixed(0)}%, simulator ${Number.isNaN(serverCpu) ? "?" : ((serverCpu * 100) / elapsed).toFixed(0)}% of a core`,
);

/** The simulator process's user + system CPU time, from /proc (Linux); NaN elsewhere. */
function serverCpuSeconds(): number {
  try {
    const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}
