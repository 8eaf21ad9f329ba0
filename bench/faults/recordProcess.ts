// `pairbook record` as its own process, as users run it (cli/pairbook.js), for fault scenarios: its
// output is kept line by line and its /health can be read.
import {type ChildProcess, spawn} from "node:child_process";
import {createInterface} from "node:readline";
import {fileURLToPath} from "node:url";
import {recordArgv} from "../../cli/recordArgv.js";
import type {RecorderHealth} from "../../src/protocol/health.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

export interface RecordProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** Every line printed so far (stdout and stderr). */
  readonly output: string[];
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  health(): Promise<RecorderHealth>;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface RecordProcessOptions {
  lake: string;
  wsUrl: string;
  restUrl: string;
  symbols: readonly string[];
  /** More `pairbook record` flags. */
  args?: readonly string[];
  /** Alert rules file to evaluate (--alerts); default none (--no-alerts). */
  alerts?: string;
  /** A command to run node under, e.g. ["setpriv", "--inh-caps=-all", "--bounding-set=-all", "--"]. */
  wrapper?: readonly string[];
}

/** The `pairbook record` arguments for these options, on a free live port (`--live-port 0`). */
export function recordArgs({lake, wsUrl, restUrl, symbols, args = [], alerts}: Omit<RecordProcessOptions, "wrapper">): string[] {
  return recordArgv({symbols, lake, wsUrl, restUrl, alerts: alerts || false, args});
}

/** Starts `pairbook record` on a free live port; resolves once it serves /health. */
export async function startRecordProcess(options: RecordProcessOptions): Promise<RecordProcess> {
  const {lake, wsUrl, restUrl, symbols, args = [], alerts, wrapper = []} = options;
  const argv = [process.execPath, "cli/pairbook.js", ...recordArgs({lake, wsUrl, restUrl, symbols, args, alerts})];
  const [command, ...rest] = [...wrapper, ...argv];
  const child = spawn(command, rest, {cwd: root, stdio: ["ignore", "pipe", "pipe"]});
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  for (const stream of [child.stdout, child.stderr]) createInterface({input: stream}).on("line", (line) => output.push(line));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = output.map((line) => /live feed ws:\/\/[^:]+:(\d+)/.exec(line)).find(Boolean);
      if (match) (clearInterval(timer), resolve(Number(match[1])));
    }, 20);
    void exited.then(
      (code) => (clearInterval(timer), reject(new Error(`pairbook record exited with ${code}: ${output.slice(-5).join(" | ")}`))),
    );
  });
  return {
    child,
    port,
    output,
    exited,
    health: async () =>
      (await (await fetch(`http://127.0.0.1:${port}/health`, {signal: AbortSignal.timeout(5000)})).json()) as RecorderHealth,
    stop: () => (child.exitCode === null && child.signalCode === null && child.kill("SIGTERM"), exited),
  };
}
