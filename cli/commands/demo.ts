import {resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {RestError} from "../../recorder/binance/rest.js";
import {binanceUsdmRestUrl, binanceUsdmWsUrl, validateMarketSymbols} from "../../recorder/markets.js";
import {Child} from "../children.js";
import {CliError, type Command, intFlag, parseFlags, symbolsFlag, UsageError} from "../command.js";
import {demoHistory, isHistoryChatter, lakeHoldsTrades, reportHistory} from "../demoHistory.js";
import {demoPairs} from "../demoPairs.js";
import {openDemoLog, plain, previewFilter, showAll, type TerminalFilter} from "../demoLog.js";
import {recordArgv} from "../recordArgv.js";
import {binanceRestUrl, binanceWsUrl} from "./record.js";

const cli = fileURLToPath(new URL("../pairbook.js", import.meta.url));
const framework = fileURLToPath(new URL("../../scripts/observable.js", import.meta.url));
// Spot and USD-M perpetuals side by side: BTCUSDT against usdm:BTCUSDT is the demo's basis pair.
const demoSymbols = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT", "usdm:BTCUSDT", "usdm:ETHUSDT"];
// Trades per second per symbol. The recorder loads history of a market's symbols side by side, newest
// first: at 4/s the last hour of all four spot symbols is ~58 pages of 1000 trades, so the featured
// pair's report has its hour ~20 s after start (at 6/s, ~92 pages: 28 s, and the page ready at 39 s).
const demoRate = 4;
// A funding every 10 minutes of the simulated market (8 h on Binance), so a short session's basis backtest pays some.
const demoFundingIntervalMs = 600_000;

const options = {
  symbols: {type: "string"},
  lake: {type: "string"},
  "live-port": {type: "string"},
  port: {type: "string"},
} as const;

// Simulated and real trades never share a lake (lake/source.ts): the demo records into a lake of its own.
const demoLake = "data-demo",
  liveLake = "data";

const usage = (what: string, symbols: string[], lake: string) => `Usage: pairbook ${what} [options]

Options:
  --symbols LIST    symbols to record (default ${symbols.join(",")}); usdm:X is X's USD-M perpetual
  --lake DIR        lake folder (default ./${lake}${lake === demoLake ? "; simulated trades never go into a lake of real ones" : ""})
  --live-port PORT  recorder's live feed port (default 8787)
  --port PORT       notebook preview port (default 3000; the next free one if taken)

The terminal shows the URLs, progress, warnings and errors; every line of every process goes to
DIR/logs/${what}-<time>.log, DIR being the lake (the path is printed at start).

Ctrl-C stops every process, publishing every received trade to the lake first.`;

export const demo: Command = {
  name: "demo",
  summary: "Simulator + recorder + notebook preview, all local (no internet needed)",
  usage: `${usage("demo", demoSymbols, demoLake)}

The preview reads the demo's lake; to build or preview it later:
  PAIRBOOK_LAKE=${demoLake} npm run build     PAIRBOOK_LAKE=${demoLake} npm run dev     npx pairbook lake --lake ${demoLake}`,
  run: (argv) => runStack(argv, {simulated: true}),
};

export const start: Command = {
  name: "start",
  summary: "Recorder on live Binance + notebook preview",
  usage: usage("start", demoSymbols.slice(0, 2), liveLake),
  run: (argv) => runStack(argv, {simulated: false}),
};

async function runStack(argv: string[], {simulated}: {simulated: boolean}): Promise<number> {
  const {values} = parseFlags(argv, options);
  const symbols = symbolsFlag(values.symbols, simulated ? demoSymbols : demoSymbols.slice(0, 2), {markets: true});
  if (symbols.length < 2) throw new UsageError("invalid --symbols: expected at least two symbols (a pair)");
  // Absolute: the recorder and the preview (which resolves against the project folder) read the same lake.
  const lake = resolve(values.lake ?? (simulated ? demoLake : liveLake));
  const livePort = intFlag(values["live-port"], "live-port", 8787, {min: 1, max: 65535});
  const port = intFlag(values.port, "port", 3000, {min: 1, max: 65535});

  let wsUrl = binanceWsUrl,
    restUrl = binanceRestUrl,
    usdmWsUrl: string | undefined,
    usdmRestUrl: string | undefined;
  if (!simulated) {
    // Fail fast, before starting anything, when the exchange is out of reach or a symbol is not traded there.
    try {
      await validateMarketSymbols({wsUrl, restUrl, usdmWsUrl: binanceUsdmWsUrl, usdmRestUrl: binanceUsdmRestUrl}, symbols);
    } catch (error) {
      if (error instanceof RestError) {
        const unreachable = error.status === undefined && error.message.startsWith("could not reach");
        throw new CliError(
          unreachable
            ? `${error.message}\nThis machine cannot reach Binance. \`npm run demo\` runs the same notebook against a local simulator, no internet needed.`
            : error.message,
          3,
        );
      }
      throw error;
    }
  }

  const started = Date.now();
  const output = openDemoLog(lake, simulated ? "demo" : "start");
  const log = (line: string) => (output.write("pairbook", line), process.stdout.write(`[pairbook] ${line}\n`));
  // Every line into the log; those `show` keeps onto the terminal too.
  const echo = (name: string, show: TerminalFilter) => (line: string, stream: "stdout" | "stderr") => {
    output.write(name, line);
    if (show(plain(line), stream)) process.stdout.write(`[${name}] ${plain(line)}\n`);
  };
  log(`full output of every process: ${output.path || "(none: neither the lake nor the temp folder is writable)"}`);

  // A simulated past only for an empty lake (cli/demoHistory.ts): two runs' pasts would overlap in time.
  const past = simulated && !(await lakeHoldsTrades(lake)) ? demoHistory : null;
  if (simulated && !past)
    log(
      `${lake} already holds trades of an earlier demo: recording goes on from now, without a new simulated past (delete the folder, or pass another --lake, for a fresh one)`,
    );

  const children: Child[] = [];
  let stopping: Promise<void> | undefined;
  // Stop in data-path order: the simulator first (so everything it sent is received), then the
  // recorder (which publishes what it holds), then the preview (started first, so it is ready sooner).
  const order = ["simulate", "record", "preview"];
  const stopAll = () =>
    (stopping ??= (async () => {
      for (const child of [...children].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name))) await child.stop();
    })());
  process.on("SIGINT", () => void stopAll());
  process.on("SIGTERM", () => void stopAll());
  // Last resort if this process dies anyway: children also watch their stdin pipe and exit with us.
  process.on("exit", () => children.forEach((child) => child.kill()));
  process.stdout.on("error", () => void stopAll()); // the terminal went away (EPIPE)

  try {
    // The preview first: it reads the lake as the recorder fills it (scripts/observable.js watches it).
    // Every recorded symbol is covered from the first second (spot and perpetuals side by side), and
    // the basis pairs (spot/perp of one coin) come right after the featured pair.
    const {featured: pair, featuredPage, pairs, basisPages} = demoPairs(symbols);
    const preview = new Child(
      "preview",
      process.execPath,
      [framework, "preview", "--no-open", "--host", "127.0.0.1", "--port", String(port)],
      {
        env: {
          PAIRBOOK_LAKE: lake,
          // `start` records into the real lake, whose other symbols stay covered as before.
          ...(simulated ? {PAIRBOOK_SYMBOLS: symbols.join(","), PAIRBOOK_PAIRS: pairs} : {}),
          PAIRBOOK_PAIR: pair,
          PAIRBOOK_LIVE_URL: `ws://127.0.0.1:${livePort}`,
        },
        echo: echo("preview", previewFilter()),
      },
    );
    children.push(preview);
    const previewUrl = preview.waitFor(/http:\/\/127\.0\.0\.1:\d+\//, 90_000);
    previewUrl.catch(() => {}); // awaited below, once the recorder runs; a failure to start is reported there
    if (simulated) {
      const spot = symbols.filter((s) => !s.startsWith("usdm:")),
        perpetuals = symbols.filter((s) => s.startsWith("usdm:")).map((s) => s.slice("usdm:".length));
      const simulator = new Child(
        "simulate",
        process.execPath,
        [
          cli,
          "simulate",
          "--port",
          "0",
          ...(spot.length ? ["--symbols", spot.join(",")] : []),
          "--usdm-symbols",
          perpetuals.join(",") || "none",
          "--rate",
          String(demoRate),
          "--usdm-rate",
          String(demoRate),
          "--funding-interval-ms",
          String(demoFundingIntervalMs),
          ...(past ? ["--history", past] : []),
        ],
        {echo: echo("simulate", showAll)},
      );
      children.push(simulator);
      // The USD-M line comes before the listening one: wait for both from the start.
      const [[, ws, rest], usdm] = await Promise.all([
        simulator.waitFor(/listening on (ws:\/\/\S+) \(REST (http:\/\/[^\s)]+)\)/, 20_000),
        perpetuals.length ? simulator.waitFor(/--usdm-ws-url (ws:\/\/\S+) --usdm-rest-url (http:\/\/\S+)/, 20_000) : null,
      ]);
      ((wsUrl = ws), (restUrl = rest), (usdmWsUrl = usdm?.[1]), (usdmRestUrl = usdm?.[2]));
    }
    // The V8 flag of cli/pairbook.js's shebang (`npx pairbook record` runs with it): smaller young generation, ~30 MB less RSS.
    const recorder = new Child(
      "record",
      process.execPath,
      [
        "--max-semi-space-size=4",
        cli,
        ...recordArgv({
          symbols,
          lake,
          wsUrl,
          restUrl,
          usdmWsUrl,
          usdmRestUrl,
          livePort,
          args: historyArgs(simulated, past, restUrl),
        }),
      ],
      {
        echo: echo("record", (line) => !isHistoryChatter(line)),
      },
    );
    children.push(recorder);
    await recorder.waitFor(/recording .* live feed ws:\/\//, 30_000);
    const history =
      past || !simulated
        ? reportHistory(`http://127.0.0.1:${livePort}/health`, symbols.slice(0, 2), log, {started, stopped: () => stopping !== undefined})
        : null;
    const [url] = await previewUrl;
    log("preparing the page (first run bundles the chart libraries)…");
    await warmUp(url);
    // The featured report's first view should have its hour of bars: its loader runs once that is in the lake.
    if (history) await Promise.race([history.featuredHour, new Promise((resolve) => setTimeout(resolve, 60_000))]);
    await warmUp(new URL(`pairs/${featuredPage}.html`, url).href);
    log(`notebook ready: ${url}  (${simulated ? "simulated market" : "live Binance"}; ${pair}; Ctrl-C to stop)`);
    log(`pair report: ${new URL(`pairs/${featuredPage}.html`, url).href}`);
    for (const page of basisPages) log(`spot/perp basis report: ${new URL(`pairs/${page}.html`, url).href}`);
  } catch (error) {
    const failed = children.find((c) => c.process.exitCode !== null);
    await stopAll();
    await output.close();
    if (failed)
      throw new CliError(
        `${failed.name} failed to start (exit code ${failed.process.exitCode}):\n${plain(failed.tail)}\n(full output: ${output.path})`,
        failed.process.exitCode || 1,
      );
    throw new CliError(`${(error as Error).message} (full output: ${output.path})`);
  }

  // Run until Ctrl-C, or until a child dies on its own (then stop the rest and report it).
  const first = await Promise.race(children.map((child) => child.exited.then((code) => ({child, code}))));
  if (!stopping) {
    log(`${first.child.name} exited unexpectedly with code ${first.code}; stopping the rest (full output: ${output.path})`);
    await stopAll();
    await output.close();
    return first.code || 1;
  }
  await stopping;
  log(`stopped; the lake is in ${lake}/ticks (\`PAIRBOOK_LAKE=${lake} npm run build\` builds the pages from it)`);
  await output.close();
  return 0;
}

/**
 * Requests the page and every module it preloads, so Framework runs the data loader and bundles the
 * node_modules imports now rather than while the user waits for the first page view.
 */
async function warmUp(url: string): Promise<void> {
  try {
    const html = await (await fetch(url, {signal: AbortSignal.timeout(60_000)})).text();
    const assets = new Set(
      [...html.matchAll(/(?:href|src)="(\/_[^"]+)"|import\("(\.?\/_[^"]+)"\)/g)].map((m) => new URL(m[1] ?? m[2], url).href),
    );
    await Promise.all([...assets].map((asset) => fetch(asset, {signal: AbortSignal.timeout(60_000)}).then((r) => r.arrayBuffer())));
  } catch {
    // Only an optimization: the page still works, it is just slower on its first view.
  }
}

/**
 * The recorder's history flags: `pairbook start` loads the last 6 h from Binance's archive and REST, the
 * demo its simulator's past (`past`, from the simulator's archive and REST), so the pages have bars at once.
 */
function historyArgs(simulated: boolean, past: string | null, restUrl: string): string[] {
  if (!simulated) return ["--history", "6h"];
  return past ? ["--history", past, "--archive-url", restUrl] : [];
}
