import {resolve} from "node:path";
import {readHistoryMarker} from "../../lake/historyMarker.js";
import type {RecorderHealth} from "../../recorder/recorder.js";
import {CliError, type Command, intFlag, parseFlags} from "../command.js";

export const status: Command = {
  name: "status",
  summary: "Print a running recorder's health",
  usage: `Usage: pairbook status [--host 127.0.0.1] [--port 8787] [--token TOKEN] [--json] [--lake ./data]

  --token TOKEN  the recorder's --token, sent as Authorization: Bearer (needed when it has one)
  --lake DIR     when no recorder answers: how far its last --history run got (<lake>/history/state.json)`,
  async run(argv) {
    const {values} = parseFlags(argv, {
      host: {type: "string"},
      port: {type: "string"},
      token: {type: "string"},
      json: {type: "boolean"},
      lake: {type: "string"},
    });
    const host = values.host ?? "127.0.0.1";
    const url = `http://${host.includes(":") && !host.startsWith("[") ? `[${host}]` : host}:${intFlag(values.port, "port", 8787, {min: 1, max: 65535})}/health`;
    let response: Response;
    try {
      response = await fetch(url, {
        signal: AbortSignal.timeout(3000),
        headers: values.token === undefined ? {} : {authorization: `Bearer ${values.token}`},
      });
    } catch {
      const history = await markerLines(resolve(values.lake ?? "data"));
      throw new CliError(`no recorder answers at ${url} (start one with \`pairbook record\` or \`npm run demo\`)${history}`);
    }
    const body = (await response.json().catch(() => ({}))) as Health & {error?: string};
    if (!response.ok)
      throw new CliError(
        `the recorder at ${url} answered ${response.status}: ${body.error ?? response.statusText}${response.status === 401 ? " (pass its --token with --token)" : ""}`,
      );
    const health = body;
    if (values.json) {
      process.stdout.write(JSON.stringify(health, null, 2) + "\n");
      return 0;
    }
    const lines = [
      `recorder up ${formatDuration(health.uptimeSeconds)}, lake ${health.lake}${health.lakeError ? `  LAKE ERROR: ${health.lakeError}` : ""}`,
      ...(health.memory
        ? [`memory: RSS ${mib(health.memory.rss)}, V8 heap ${mib(health.memory.heapUsed)}, buffers ${mib(health.memory.external)}`]
        : []),
      ...health.connections.map((c) => `connection ${c.state}${c.detail ? ` (${c.detail})` : ""}: ${c.symbols.length} symbol(s)`),
      `published ${health.tradesPublished} trades in ${health.filesPublished} files (${health.compactions} compactions), ${health.pendingTrades} waiting in the log, ${health.unsyncedTrades} not yet fsynced`,
      `${health.rejectedFrames} rejected frames${health.lastRejected ? ` (last: ${health.lastRejected.slice(0, 80)})` : ""}, ${health.gapsRecorded} gap records, REST ${health.rest.requests} requests (${health.rest.rateLimited} rate-limited), ${health.liveClients} live clients${health.liveClientsDropped ? ` (${health.liveClientsDropped} closed for breaking a limit)` : ""}${health.liveRequestsRefused ? `, ${health.liveRequestsRefused} requests refused (foreign Origin or Host, or no token)` : ""}`,
      "",
      `${"symbol".padEnd(10)} ${"last id".padStart(14)} ${"last trade (UTC)".padEnd(24)} ${"lag ms".padStart(7)} ${"trades/s".padStart(9)} ${"dups".padStart(6)} ${"filled".padStart(6)} ${"holes".padStart(6)}  open gap`,
    ];
    for (const [symbol, s] of Object.entries(health.symbols)) {
      lines.push(
        `${symbol.padEnd(10)} ${String(s.lastId ?? "–").padStart(14)} ${(s.lastTime ? new Date(s.lastTime).toISOString() : "–").padEnd(24)} ${String(s.receiveLagMs ?? "–").padStart(7)} ${s.tradesPerSecond.toFixed(1).padStart(9)} ${String(s.duplicates).padStart(6)} ${String(s.gapsFilled).padStart(6)} ${String(s.gapsUnfilled).padStart(6)}  ${s.openGap ? `${s.openGap.fromId}..${s.openGap.toId}` : "–"}`,
      );
    }
    lines.push(...historyLines(health.history));
    process.stdout.write(lines.join("\n") + "\n");
    return 0;
  },
};

type Health = RecorderHealth & {liveClients: number; liveClientsDropped?: number; liveRequestsRefused?: number};

/** `record --history` progress per symbol: range covered, remaining, ETA (nothing without --history). */
function historyLines(history: RecorderHealth["history"] | undefined): string[] {
  if (!history) return [];
  const lines = ["", `history: the last ${formatDuration(history.windowMs / 1000)}${history.loading ? ", loading" : ", loaded"}`];
  for (const [symbol, h] of Object.entries(history.symbols)) {
    const from = h.coveredFrom === null ? "–" : new Date(h.coveredFrom).toISOString().slice(0, 16).replace("T", " ");
    const days = h.archiveDays.total ? `, archive days ${h.archiveDays.imported.length}/${h.archiveDays.total}` : "";
    const fellBack = h.archiveDays.fellBack.length ? ` (from REST instead: ${h.archiveDays.fellBack.join(", ")})` : "";
    const eta = h.etaMs === null ? "" : `, ETA ${formatDuration(h.etaMs / 1000)}`;
    lines.push(
      `${symbol.padEnd(10)} ${h.state.padEnd(7)} from ${from} UTC, ${formatDuration(h.remainingMs / 1000)} to go${eta}; ${h.trades} trades, ${h.requests} REST requests${days}${fellBack}${h.detail && h.state !== "loading" ? ` (${h.detail})` : ""}`,
    );
  }
  return lines;
}

/** With no recorder answering: the lake's --history marker, as lines to append ("" without one). */
async function markerLines(lake: string): Promise<string> {
  const read = await readHistoryMarker(lake);
  if (read === null) return "";
  if ("ignored" in read) return `\nhistory: ${read.ignored}; ignored`;
  const {marker} = read,
    unfinished = Object.values(marker.symbols).some((s) => s.state === "waiting" || s.state === "loading");
  const written = `as last written ${new Date(marker.updatedAt).toISOString().slice(0, 16).replace("T", " ")} UTC`;
  const lines = [
    unfinished
      ? `history of ${lake}: the last ${formatDuration(marker.windowMs / 1000)}, not finished: the last run with --history stopped before it was done (${written}; \`pairbook record --history\` continues it)`
      : `history of ${lake}: the last ${formatDuration(marker.windowMs / 1000)}, loaded (${written})`,
  ];
  for (const [symbol, s] of Object.entries(marker.symbols))
    lines.push(`${symbol.padEnd(10)} ${s.state}${s.detail ? ` (${s.detail})` : ""}`);
  return `\n${lines.join("\n")}`;
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

function formatDuration(seconds: number): string {
  if (seconds < 120) return `${seconds.toFixed(0)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(0)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
