// The `pairbook record` command line, built in one place for everything that starts a recorder as its
// own process: the demo, the benchmarks and fault rigs, and the recorder's process tests.

export interface RecordArgvOptions {
  readonly symbols: readonly string[];
  readonly lake: string;
  readonly wsUrl: string;
  readonly restUrl: string;
  /** The USD-M endpoints (--usdm-ws-url, --usdm-rest-url), when `usdm:` symbols are recorded from elsewhere than Binance. */
  readonly usdmWsUrl?: string;
  readonly usdmRestUrl?: string;
  /** The live feed's port; 0 (the default) for a free one, read back from the "live feed" line. */
  readonly livePort?: number;
  /** Seconds between publishes (--publish-interval); default the recorder's own. */
  readonly publishInterval?: number;
  /** An alert rules file (--alerts), false for --no-alerts; default neither (the recorder's default rules). */
  readonly alerts?: string | false;
  /** More flags, appended as given. */
  readonly args?: readonly string[];
}

/**
 * The arguments of `pairbook record` (the subcommand first) for these options, to follow
 * `cli/pairbook.js` or the CLI's main module.
 *
 *   recordArgv({symbols: ["BTCUSDT"], lake: "data", wsUrl, restUrl, alerts: false})
 *   // ["record", "--symbols", "BTCUSDT", "--lake", "data", "--ws-url", wsUrl, "--rest-url", restUrl, "--live-port", "0", "--no-alerts"]
 */
export function recordArgv(options: RecordArgvOptions): string[] {
  const {symbols, lake, wsUrl, restUrl, usdmWsUrl, usdmRestUrl, livePort = 0, publishInterval, alerts, args = []} = options;
  return [
    "record",
    "--symbols",
    symbols.join(","),
    "--lake",
    lake,
    "--ws-url",
    wsUrl,
    "--rest-url",
    restUrl,
    ...(usdmWsUrl === undefined ? [] : ["--usdm-ws-url", usdmWsUrl]),
    ...(usdmRestUrl === undefined ? [] : ["--usdm-rest-url", usdmRestUrl]),
    "--live-port",
    String(livePort),
    ...(publishInterval === undefined ? [] : ["--publish-interval", String(publishInterval)]),
    ...(alerts === undefined ? [] : alerts === false ? ["--no-alerts"] : ["--alerts", alerts]),
    ...args,
  ];
}
