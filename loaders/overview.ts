// The Overview and System pages' data: what the lake holds per symbol and date, ingest per minute over
// the lookback, gap records, latest prices, and the list of pair reports.
import {basename, isAbsolute, relative, sep} from "node:path";
import {recorderEndpoint} from "../src/protocol/recorderEndpoint.js";
import type {DuckDBConnection} from "@duckdb/node-api";
import {quotedString, withDuckDB} from "../lake/duckdb.js";
import {tickFiles} from "../lake/files.js";
import {readGaps, withGapTimes} from "../lake/gaps.js";
import {retryVanished} from "../lake/vanishedFiles.js";
import {intervalMs} from "../src/lib/bars.js";
import type {Overview} from "../src/protocol/overview.js";
import {type NotebookConfig, type Pair, pairSlug} from "./config.js";
import {lookbackWindow} from "./window.js";

/** /health of the recorder behind the configured live-feed URL (without its token), as the pages derive it. */
export function healthUrlOf(liveUrl: string): string {
  try {
    return `${recorderEndpoint(liveUrl).http}/health`;
  } catch {
    return "http://127.0.0.1:8787/health";
  }
}

/**
 * The lake as a published page may show it: its path relative to the project when inside it ("data",
 * "test/.lake"), else the folder's name — never the building machine's absolute path.
 */
export function lakeLabel(lake: string, projectDir: string): string {
  const inside = relative(projectDir, lake);
  return inside && !inside.startsWith("..") && !isAbsolute(inside) ? inside.split(sep).join("/") : basename(lake);
}

async function rows(connection: DuckDBConnection, sql: string): Promise<unknown[][]> {
  return (await connection.runAndReadAll(sql)).getRows();
}

/** The Overview's data; run again from a fresh listing when compaction deleted a listed file meanwhile (lake/vanishedFiles.ts). */
export function overview(config: NotebookConfig, symbols: readonly string[], pairs: readonly Pair[], now = Date.now()): Promise<Overview> {
  return retryVanished(() => overviewOnce(config, symbols, pairs, now));
}

async function overviewOnce(config: NotebookConfig, symbols: readonly string[], pairs: readonly Pair[], now: number): Promise<Overview> {
  return withDuckDB(async (connection) => {
    // Unfilled gaps with an unknown time (older recorders) get it from the stored trades either side.
    const gaps = await withGapTimes(
      connection,
      config.lake,
      (await readGaps(connection, config.lake)).filter((g) => symbols.includes(g.symbol)),
    );
    const perSymbol: Overview["symbols"] = [],
      coverage: Overview["coverage"] = [];
    const sources = new Map<string, string>();
    let last = -Infinity,
      firstTrade = Infinity;
    for (const symbol of symbols) {
      const files = await tickFiles(config.lake, symbol);
      if (files.length === 0) {
        perSymbol.push({symbol, trades: 0, firstTime: null, lastTime: null, lastPrice: null, windowOpen: null});
        continue;
      }
      const source = `read_parquet([${files.map((f) => quotedString(f.path)).join(", ")}], filename = true)`;
      sources.set(symbol, source);
      const byDate = await rows(
        connection,
        `SELECT strftime(time, '%Y-%m-%d') AS d, count(*)::DOUBLE, count(DISTINCT filename)::DOUBLE, epoch_ms(min(time))::DOUBLE, epoch_ms(max(time))::DOUBLE FROM ${source} GROUP BY d ORDER BY d`,
      );
      let trades = 0;
      for (const [date, n, fileCount, first, lastTime] of byDate) {
        // A gap counts on the day it began (or ended, when nothing was stored before it).
        const dayGaps = gaps.filter(
          (g) =>
            g.symbol === symbol &&
            (g.fromTime ?? g.toTime) !== null &&
            new Date((g.fromTime ?? g.toTime)!).toISOString().slice(0, 10) === date,
        );
        coverage.push({
          symbol,
          date: String(date),
          trades: Number(n),
          files: Number(fileCount),
          firstTime: Number(first),
          lastTime: Number(lastTime),
          gaps: dayGaps.length,
          unfilledGaps: dayGaps.filter((g) => !g.filled).length,
        });
        trades += Number(n);
      }
      const [[lastTime, lastPrice]] = await rows(
        connection,
        `SELECT epoch_ms(max(time))::DOUBLE, arg_max(price, (time, trade_id)) FROM ${source}`,
      );
      last = Math.max(last, Number(lastTime));
      firstTrade = Math.min(firstTrade, Number(byDate[0][3]));
      perSymbol.push({
        symbol,
        trades,
        firstTime: Number(byDate[0][3]),
        lastTime: Number(lastTime),
        lastPrice: Number(lastPrice),
        windowOpen: null,
      });
    }
    const stepMs = 60_000;
    // The same window as the bars files (loaders/lakeBars.ts).
    const range = Number.isFinite(last) ? lookbackWindow(firstTrade, last, intervalMs(config.interval), config.lookbackMs) : null;
    const from = range?.from ?? null,
      to = range?.to ?? null;
    const counts: Record<string, number[]> = {};
    const minuteFrom = from === null ? null : Math.floor(from / stepMs) * stepMs;
    if (from !== null && to !== null && minuteFrom !== null) {
      const m = Math.ceil((to - minuteFrom) / stepMs);
      for (const s of perSymbol) {
        const source = sources.get(s.symbol);
        counts[s.symbol] = new Array<number>(m).fill(0);
        if (!source) continue;
        const window = `time >= epoch_ms(${from}::BIGINT) AND time < epoch_ms(${to}::BIGINT)`;
        for (const [k, n] of await rows(
          connection,
          `SELECT floor((epoch_ms(time) - ${minuteFrom}) / ${stepMs})::INTEGER AS k, count(*)::DOUBLE FROM ${source} WHERE ${window} GROUP BY k`,
        ))
          counts[s.symbol][Number(k)] = Number(n);
        const [[open]] = await rows(connection, `SELECT arg_min(price, (time, trade_id)) FROM ${source} WHERE ${window}`);
        s.windowOpen = open === null ? null : Number(open);
      }
    }
    return {
      builtAt: now,
      lake: lakeLabel(config.lake, process.cwd()),
      interval: config.interval,
      lookbackMs: config.lookbackMs,
      from,
      to,
      liveUrl: config.liveUrl,
      healthUrl: healthUrlOf(config.liveUrl),
      symbols: perSymbol,
      pairs: pairs.map((p) => ({a: p[0], b: p[1], slug: pairSlug(p)})),
      coverage,
      gaps,
      ingest: {from: minuteFrom, stepMs, counts},
    };
  });
}
