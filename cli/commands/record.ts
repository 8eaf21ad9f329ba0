import {resolve} from "node:path";
import {RestError} from "../../recorder/binance/rest.js";
import {checkToken, isLoopbackHost, minTokenLength, normalizeOrigin} from "../../recorder/access.js";
import {binanceUsdmRestUrl, binanceUsdmWsUrl} from "../../recorder/markets.js";
import type {HistoryConfig} from "../../recorder/history/startHistory.js";
import {parseHistoryDuration} from "../../recorder/history/historyWindow.js";
import {startRecorder} from "../../recorder/recorder.js";
import {CliError, type Command, intFlag, numberFlag, parseFlags, symbolsFlag, UsageError} from "../command.js";
import {lakeCliError} from "../lakeErrors.js";
import {onShutdown} from "../shutdown.js";

export const binanceWsUrl = "wss://stream.binance.com:9443";
export const binanceRestUrl = "https://api.binance.com";
export const defaultSymbols = ["BTCUSDT", "ETHUSDT"];
export const binanceArchiveUrl = "https://data.binance.vision";

export const record: Command = {
  name: "record",
  summary: "Stream Binance trades into the Parquet lake and serve the live feed",
  usage: `Usage: pairbook record [options]

Options:
  --symbols LIST       comma-separated symbols (default ${defaultSymbols.join(",")}); usdm:SYMBOL is the
                       USD-M perpetual (e.g. BTCUSDT,usdm:BTCUSDT,usdm:ETHUSDT)
  --lake DIR           lake folder (default ./data)
  --ws-url URL         spot WebSocket base URL (default ${binanceWsUrl})
  --rest-url URL       spot REST base URL (default ${binanceRestUrl})
  --usdm-ws-url URL    USD-M WebSocket base URL (default ${binanceUsdmWsUrl}; /market/stream is appended)
  --usdm-rest-url URL  USD-M REST base URL (default ${binanceUsdmRestUrl})
  --live-host HOST     live feed and /health host (default 127.0.0.1)
  --live-port PORT     live feed and /health port (default 8787)
  --allow-origin ORIGIN
                       also let pages from ORIGIN (e.g. https://notebook.example.com) use the live
                       feed and API; repeatable or comma-separated. Pages served over http from
                       localhost, 127.0.0.1 or [::1] (any port) are always allowed, others never
  --token TOKEN        require TOKEN (≥ 16 characters, e.g. \`openssl rand -hex 16\`) on every request
                       and WebSocket: Authorization: Bearer TOKEN, or ?token=TOKEN (pages:
                       ?live=ws://host:8787/?token=TOKEN). Required with a --live-host other than
                       loopback (127.0.0.1, localhost, ::1)
  --alerts FILE        alert rules file (default ./alerts.json; created when a rule is saved from
                       the Alerts page); events go to <lake>/alerts/
  --webhook URL        also POST each alert event there as JSON (retried; never blocks recording)
  --no-alerts          evaluate no alert rules
  --publish-interval S seconds between Parquet publishes (default 10; trades are durable in the
                       write-ahead log within 0.2 s of arrival either way)
  --history DURATION   also load the recent past (90m, 6h, 30h, 7d; default none; \`pairbook start\`
                       passes 6h) in the background, below what the lake holds: whole UTC days
                       before today from the public archive, today's part from REST, newest first;
                       live gaps keep priority on the REST budget. A restart resumes it
  --archive-url BASE   archive for --history, data.binance.vision layout (default ${binanceArchiveUrl})
  --max-buffer-mb MB   while storage fails, hold up to MB of accepted trades in memory (default 256);
                       past it, stop reading the exchange and backfill the hole once storage is back

Symbols are checked against GET /api/v3/exchangeInfo before streaming.
SIGINT/SIGTERM publish every received trade and exit 0.

One writer per lake: the lake is locked (<lake>/.lock) while recording; a lock left by a process
that no longer runs (kill -9, a crash) is taken over. A lake keeps the trades of one source
(<lake>/source.json): the simulator (endpoints on this machine, any port) or an exchange.

Exit codes: 0 stopped cleanly; 1 unexpected failure; 2 bad option or unknown symbol;
            3 exchange endpoint unreachable; 4 live port already in use;
            5 the lake is in use by another pairbook record or import (the message names its pid);
            6 the lake holds trades of another source (simulated vs real);
            7 the lake cannot be created or written (read-only, not a folder, permission denied).`,
  async run(argv) {
    const {values} = parseFlags(argv, {
      symbols: {type: "string"},
      lake: {type: "string"},
      "ws-url": {type: "string"},
      "rest-url": {type: "string"},
      "usdm-ws-url": {type: "string"},
      "usdm-rest-url": {type: "string"},
      "live-host": {type: "string"},
      "live-port": {type: "string"},
      "allow-origin": {type: "string", multiple: true},
      token: {type: "string"},
      "publish-interval": {type: "string"},
      "max-buffer-mb": {type: "string"},
      history: {type: "string"},
      "archive-url": {type: "string"},
      alerts: {type: "string"},
      webhook: {type: "string"},
      "no-alerts": {type: "boolean"},
    });
    const config = {
      symbols: symbolsFlag(values.symbols, defaultSymbols, {markets: true}),
      lake: resolve(values.lake ?? "data"),
      wsUrl: values["ws-url"] ?? binanceWsUrl,
      restUrl: values["rest-url"] ?? binanceRestUrl,
      usdmWsUrl: values["usdm-ws-url"] ?? binanceUsdmWsUrl,
      usdmRestUrl: values["usdm-rest-url"] ?? binanceUsdmRestUrl,
      liveHost: values["live-host"] ?? "127.0.0.1",
      livePort: intFlag(values["live-port"], "live-port", 8787, {min: 0, max: 65535}),
      ...accessFlags(values["live-host"] ?? "127.0.0.1", values["allow-origin"], values.token),
      publishMs: numberFlag(values["publish-interval"], "publish-interval", 10, {min: 0.1, max: 60}) * 1000,
      maxBufferedBytes: Math.round(numberFlag(values["max-buffer-mb"], "max-buffer-mb", 256, {min: 0.01, max: 65536}) * 2 ** 20),
      alertsFile: values["no-alerts"] ? undefined : resolve(values.alerts ?? "alerts.json"),
      webhookUrl: values.webhook,
      history: historyFlags(values.history, values["archive-url"]),
      log: (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
    };
    if (config.webhookUrl && !/^https?:\/\//.test(config.webhookUrl))
      throw new UsageError(`invalid --webhook: ${JSON.stringify(config.webhookUrl)} (expected an http:// or https:// URL)`);
    let recorder;
    try {
      recorder = await startRecorder(config);
    } catch (error) {
      const lakeError = lakeCliError(error);
      if (lakeError) throw lakeError;
      if (error instanceof RestError) {
        if (error.code === -1121 || /unknown symbol|not trading/.test(error.message)) throw new CliError(error.message, 2);
        const offline =
          config.restUrl === binanceRestUrl || config.usdmRestUrl === binanceUsdmRestUrl
            ? "\nNo internet here? `npm run demo` runs pairbook against a local simulator instead."
            : "";
        throw new CliError(`${error.message}${offline}`, 3);
      }
      if (/already in use/.test((error as Error).message)) throw new CliError((error as Error).message, 4);
      if (/^live feed cannot listen/.test((error as Error).message)) throw new CliError((error as Error).message, 2);
      if (/^alert rules file/.test((error as Error).message)) throw new CliError((error as Error).message, 2);
      throw error;
    }
    config.log(
      `recording ${config.symbols.join(", ")} into ${config.lake}; live feed ws://${config.liveHost}:${recorder.livePort} (health: http://${config.liveHost}:${recorder.livePort}/health)`,
    );
    onShutdown(async (reason) => {
      config.log(`${reason}: publishing buffered trades…`);
      const {trades, files} = await recorder.stop({publishWithinMs: 3500}); // exit within 5 s
      config.log(`stopped: ${trades} trades in total this run, last flush wrote ${files} file(s)`);
    });
    return new Promise<number>(() => {}); // runs until a signal; onShutdown exits the process
  },
};

/** --history and --archive-url, checked. */
function historyFlags(history: string | undefined, archiveUrl: string | undefined): HistoryConfig | undefined {
  let windowMs: number;
  try {
    windowMs = history === undefined ? 0 : parseHistoryDuration(history);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (archiveUrl !== undefined && !/^https?:\/\//.test(archiveUrl))
    throw new UsageError(`invalid --archive-url: ${JSON.stringify(archiveUrl)} (expected an http:// or https:// URL)`);
  return windowMs > 0 ? {windowMs, archiveUrl: archiveUrl ?? binanceArchiveUrl} : undefined;
}

/** --allow-origin and --token, checked: origins normalized, a token required off loopback. */
function accessFlags(liveHost: string, origins: string[] | undefined, token: string | undefined): {allowOrigins: string[]; token?: string} {
  const allowOrigins: string[] = [];
  for (const origin of (origins ?? [])
    .flatMap((list) => list.split(","))
    .map((o) => o.trim())
    .filter((o) => o !== "")) {
    try {
      allowOrigins.push(normalizeOrigin(origin));
    } catch (error) {
      throw new UsageError(`--allow-origin: ${(error as Error).message}`);
    }
  }
  if (token !== undefined) {
    try {
      checkToken(token);
    } catch (error) {
      throw new UsageError(`--token: ${(error as Error).message}`);
    }
  } else if (!isLoopbackHost(liveHost)) {
    throw new UsageError(
      `--live-host ${liveHost} is reachable from other machines: pass --token TOKEN (≥ ${minTokenLength} characters, e.g. \`openssl rand -hex 16\`), which every request and WebSocket must then carry`,
    );
  }
  return {allowOrigins, ...(token !== undefined && {token})};
}
